/** What every in-process system of a process shares: the SDK runtime and the workflow bundle, made once. */
import { DefaultLogger, type Logger } from '@temporalio/worker';
import { bundleWorkflows, type WorkflowBuild } from '../worker/workflow-build';
import { installWorkerRuntime } from './worker-runtime';

let build: Promise<WorkflowBuild> | undefined;
/** The workflow code and its build ID, bundled once per process. */
export function workflowBuild(): Promise<WorkflowBuild> {
  build ??= bundleWorkflows();
  return build;
}

let runtimeInstalled = false;
/**
 * The SDK runtime of this process, installed once: worker and core logs at WARN and above, to the
 * console or to `logger` (a caller that reads what its workers logged must install first).
 */
export function installInProcessRuntime(logger?: Logger, options: { metricsAddress?: string } = {}): void {
  if (runtimeInstalled) {
    if (logger || options.metricsAddress) {
      throw new Error('the runtime is installed already; install it with the logger or metrics first');
    }
    return;
  }
  runtimeInstalled = true;
  installWorkerRuntime({ logger: logger ?? new DefaultLogger('WARN'), metricsAddress: options.metricsAddress });
}
