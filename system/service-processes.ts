/**
 * Parts of the system in processes of their own, started as production starts them (`worker/main.ts`,
 * `api/main.ts` configured from the environment), beside an in-process system.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { projectRoot } from '../config/paths';
import { EMULATOR_KEY, PAYLOAD_CODEC_KEYS, REVIEW_ASSERTION_KEYS } from './in-process-credentials';
import type { InProcessSystem } from './in-process';

const root = projectRoot();

/** The environment a process starts from: `env` over this process's, under `base` (a deployment's own). */
export interface ProcessEnv {
  env: Record<string, string>;
  /** Set before the system's own variables, which win: the production topology's app environment. */
  base?: Record<string, string>;
}

/** A part of the system in its own process, configured from the environment as in production. */
export interface ServiceProcess {
  child: ChildProcess;
  output: () => string;
  /** SIGKILL: no graceful shutdown; whatever was in flight is simply lost. */
  kill(): Promise<void>;
  /** SIGTERM: graceful shutdown. */
  stop(): Promise<void>;
}
export type WorkerProcess = ServiceProcess;
export type ApiProcess = ServiceProcess & { url: string };

/** Runs `entry` (relative to the project) with tsx, with `env` over this process's environment. */
export function spawnNodeService(
  entry: string,
  env: Record<string, string>,
): ServiceProcess & { exited: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, entry)], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The last 64 KiB of what it printed, for the failure message.
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-65_536);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    exited,
    output: () => output,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Runs `entry` connected to the system's Temporal, on its task queue. */
function spawnService(system: InProcessSystem, entry: string, env: ProcessEnv): ServiceProcess {
  return spawnNodeService(entry, {
    ...env.base,
    TEMPORAL_ADDRESS: system.temporalAddress,
    TEMPORAL_NAMESPACE: system.namespace,
    TEMPORAL_TASK_QUEUE: system.taskQueue,
    // The key the in-process API and worker share, so that any of them verifies what any signed.
    REVIEW_ASSERTION_KEYS,
    PAYLOAD_CODEC_KEYS,
    ...env.env,
  });
}

/** Polls `ready` until it holds; fails with the process's output if it exits or times out first. */
export async function waitUntilReady(
  service: ServiceProcess,
  what: string,
  ready: () => Promise<boolean>,
  timeoutMs: number,
) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (service.child.exitCode !== null)
      throw new Error(`${what} exited with ${service.child.exitCode}:\n${service.output()}`);
    if (await ready()) return;
    if (Date.now() > until) throw new Error(`${what} not ready in time:\n${service.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A worker process (`worker/main.ts`) on the system's task queue and emulator. */
export async function startWorkerProcess(
  system: InProcessSystem,
  { env, base }: ProcessEnv,
  readyTimeoutMs = 90_000,
): Promise<WorkerProcess> {
  const worker = spawnService(system, 'worker/main.ts', {
    ...(base ? { base } : {}),
    env: {
      COMPLYCUBE_API_KEY: EMULATOR_KEY,
      COMPLYCUBE_BASE_URL: system.emulatorUrl,
      COMPLYCUBE_TIMEOUT_MS: '2000',
      // Several workers on one host: each its own metrics port (compose gives each container 9464).
      WORKER_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`,
      ...env,
    },
  });
  await waitUntilReady(worker, 'worker', async () => worker.output().includes('Worker polling'), readyTimeoutMs);
  return worker;
}

/** An API process (`api/main.ts`) on `port`, ready once its /readyz says so. */
export async function startApiProcess(
  system: InProcessSystem,
  port: number,
  { env, base }: ProcessEnv,
  readyTimeoutMs = 30_000,
): Promise<ApiProcess> {
  const api = spawnService(system, 'api/main.ts', {
    ...(base ? { base } : {}),
    env: { API_HOST: '127.0.0.1', API_PORT: String(port), LOG_LEVEL: 'warn', ...env },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(
    api,
    'API',
    () =>
      fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      ),
    readyTimeoutMs,
  );
  return { ...api, url };
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
