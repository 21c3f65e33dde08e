/** Parts of the system in their own processes, against the test system; and the operator CLI. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  startApiProcess as startApi,
  startWorkerProcess as startWorker,
  type ApiProcess,
  type WorkerProcess,
} from '../../system/service-processes';
import { PAYLOAD_CODEC_KEYS } from '../../system/in-process-credentials';
import { APP_ENV, type TestSystem } from './system';

export {
  freePort,
  spawnNodeService,
  waitUntilReady,
  type ApiProcess,
  type ServiceProcess,
  type WorkerProcess,
} from '../../system/service-processes';

const root = path.resolve(__dirname, '..', '..');

/** A worker process (`worker/main.ts`) on the test system's task queue and emulator. */
export function startWorkerProcess(
  system: TestSystem,
  env: Record<string, string>,
  readyTimeoutMs?: number,
): Promise<WorkerProcess> {
  // In the production topology: the app's environment from docker-compose.yml, under the test's own.
  return startWorker(system, { env, base: APP_ENV }, readyTimeoutMs);
}

/** An API process (`api/main.ts`) on `port`, ready once its /readyz says so. */
export function startApiProcess(
  system: TestSystem,
  port: number,
  env: Record<string, string>,
  readyTimeoutMs?: number,
): Promise<ApiProcess> {
  return startApi(system, port, { env, base: APP_ENV }, readyTimeoutMs);
}

/**
 * The operator CLI (`client/main.ts`) against the test system, as an operator runs it: its output,
 * or a rejection with the exit `code` and `stderr`.
 */
export function runCli(
  system: TestSystem,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(root, 'client', 'main.ts'), ...args], {
    cwd: root,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: system.temporalAddress,
      TEMPORAL_NAMESPACE: system.namespace,
      TEMPORAL_TASK_QUEUE: system.taskQueue,
      PAYLOAD_CODEC_KEYS,
      ...env,
    },
  });
}
