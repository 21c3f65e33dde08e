/**
 * The workflow code a worker runs, and the build ID that names it.
 *
 * The build ID is a hash of the bundled workflow code: the same code always gets the same ID
 * (every replica of an image, every checkout, `npm start`, the tests and `npm run build` alike),
 * and any change to the workflow, its contract or a library bundled into it gets a new one.
 * Activity-only changes keep the ID, so they deploy as a plain rolling restart with no promotion.
 * `docs/versioning.md` explains.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { projectRoot } from '../config/paths';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../observability/worker';

/**
 * The TypeScript sources Temporal's bundler starts from (it registers every workflow exported
 * there), even when running compiled code: bundling the sources, never `dist/`, is what gives
 * the build step and a developer's checkout the same build ID.
 */
export const WORKFLOWS_PATH = path.join(projectRoot(), 'workflows', 'index.ts');

/** The failure converter bundled into the workflow code, from the sources for the same reason. */
export const FAILURE_CONVERTER_SOURCE = path.join(projectRoot(), 'workflows', 'failure-converter.ts');

/**
 * The modules the workflows share rather than evaluate each for itself: since 0.11.0, the
 * workflow code but its failure converter (`workflows/shared-libraries.ts` imports it). The SDK
 * evaluates them once per worker thread, before any workflow, and freezes what they export; a run
 * then keeps only its own state, not a copy of the contract and its schemas (docs/performance.md,
 * "Memory per cached workflow"; docs/versioning.md, 0.11.0, for what that asks of workflow modules).
 */
export const PRELOADED_MODULES = [path.join(projectRoot(), 'workflows', 'shared-libraries.ts')];

/** Where the build step writes the prebuilt bundle: beside the compiled `worker/` folder. */
export const WORKFLOW_BUNDLE_PATH = path.resolve(__dirname, '..', 'workflow-bundle.js');

/** Bundled workflow code and its build ID. */
export interface WorkflowBuild {
  code: string;
  buildId: string;
}

/**
 * The build ID of bundled workflow code: the first 12 hex digits of the SHA-256 of the code
 * without its inline source map, which holds the absolute paths of the checkout that built it.
 */
export function buildIdOf(code: string): string {
  const withoutSourceMap = code.replace(/\n\/\/# sourceMappingURL=data:[^\n]*\n?$/, '\n');
  return createHash('sha256').update(withoutSourceMap).digest('hex').slice(0, 12);
}

/** How a build differs from this release's: the upgrade tests bundle frozen releases as they were. */
export interface BundleOptions {
  workflowInterceptorModules?: string[];
  preloadModules?: string[];
}

/** How releases before 0.10.0 were bundled: OpenTelemetry's own workflow interceptors, nothing preloaded. */
export const BUNDLED_BEFORE_0_10_0: BundleOptions = {
  workflowInterceptorModules: [require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')],
  preloadModules: [],
};

/** Bundles the workflow code under `workflowsPath` (the product's by default). */
export async function bundleWorkflows(
  workflowsPath: string = WORKFLOWS_PATH,
  options: BundleOptions = {},
): Promise<WorkflowBuild> {
  const { code } = await bundleWorkflowCode({
    workflowsPath,
    // OpenTelemetry's workflow interceptors, in every build (traces exported or not), run only in
    // runs started with a trace (workflows/tracing-gate.ts).
    workflowInterceptorModules: options.workflowInterceptorModules ?? WORKFLOW_INTERCEPTOR_MODULES,
    // Failure messages and stack traces as encoded payloads (docs/payload-encryption.md).
    failureConverterPath: FAILURE_CONVERTER_SOURCE,
    // Evaluated once per worker thread, not once per workflow (docs/performance.md).
    preloadModules: options.preloadModules ?? PRELOADED_MODULES,
    logger: new DefaultLogger('WARN'),
  });
  return { code, buildId: buildIdOf(code) };
}

/** The build step's prebuilt bundle when running compiled code (production images), else a fresh bundle. */
export async function loadWorkflowBuild(): Promise<WorkflowBuild> {
  if (__filename.endsWith('.js') && existsSync(WORKFLOW_BUNDLE_PATH)) {
    const code = readFileSync(WORKFLOW_BUNDLE_PATH, 'utf8');
    return { code, buildId: buildIdOf(code) };
  }
  return bundleWorkflows();
}
