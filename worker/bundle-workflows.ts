/**
 * Build step: bundles the workflow code once, so production workers start without webpack.
 * Writes `dist/workflow-bundle.js`, which `worker/main.ts` uses when it exists.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOWS_PATH, WORKFLOW_BUNDLE_PATH } from './create-worker';

async function main(): Promise<void> {
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH });
  writeFileSync(WORKFLOW_BUNDLE_PATH, code);
  console.log(`wrote ${path.relative(process.cwd(), WORKFLOW_BUNDLE_PATH)} (${Math.round(code.length / 1024)} KiB)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
