/**
 * Build step: bundles the workflow code once, so production workers start without webpack.
 * Writes `dist/workflow-bundle.js`, which `worker/main.ts` uses when it exists, and prints the
 * build ID its workers will poll as.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflows, WORKFLOW_BUNDLE_PATH } from './workflow-build';

async function main(): Promise<void> {
  const { code, buildId } = await bundleWorkflows();
  writeFileSync(WORKFLOW_BUNDLE_PATH, code);
  console.log(
    `wrote ${path.relative(process.cwd(), WORKFLOW_BUNDLE_PATH)} (${Math.round(code.length / 1024)} KiB), build ID ${buildId}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
