/**
 * The Temporal dev server for `npm start`, run from the CLI in a process group of its own, so a
 * Ctrl-C in the terminal reaches `npm start` only, which then stops the worker and the API while
 * Temporal is still up, and the dev server last.
 */
import { spawn } from 'node:child_process';
import { Connection } from '@temporalio/client';

export interface DevServerOptions {
  cli: string;
  ip: string;
  port: number;
  /** The Web UI's port; none without it. */
  uiPort?: number;
  dbFilename: string;
  namespace: string;
  /** `name=Type` pairs registered at start. */
  searchAttributes: string[];
}

export interface DevServer {
  address: string;
  /** Graceful: SIGTERM, SIGKILL after 10 s. */
  stop(): Promise<void>;
  /** SIGKILL at once, as a crash would (the chaos suite). */
  kill(): Promise<void>;
}

/**
 * The dev server's dynamic configuration: one partition per task queue, so that the ComplyCube task
 * queue's rate limit holds exactly (Temporal enforces it per partition, 4 by default). Production
 * sets this for the ComplyCube queue alone (deploy/temporal/dynamicconfig.yaml).
 */
export const DEV_SERVER_DYNAMIC_CONFIG = [
  'matching.numTaskqueueReadPartitions=1',
  'matching.numTaskqueueWritePartitions=1',
].flatMap((value) => ['--dynamic-config-value', value]);

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const args = [
    'server',
    'start-dev',
    '--ip',
    options.ip,
    '--port',
    String(options.port),
    ...(options.uiPort ? ['--ui-port', String(options.uiPort)] : ['--headless']),
    '--db-filename',
    options.dbFilename,
    '--namespace',
    options.namespace,
    '--log-format',
    'pretty',
    '--log-level',
    // Its warnings are about its own internals (and a flood of them while it stops): not the developer's.
    'error',
    ...options.searchAttributes.flatMap((attribute) => ['--search-attribute', attribute]),
    ...DEV_SERVER_DYNAMIC_CONFIG,
  ];
  const server = spawn(options.cli, args, { detached: true, stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
  const address = `${options.ip}:${options.port}`;
  // Whatever happens to this process, the dev server does not outlive it.
  const killOnExit = () => {
    if (server.exitCode === null) process.kill(-server.pid!, 'SIGKILL');
  };
  process.once('exit', killOnExit);

  const until = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`the Temporal dev server exited with ${server.exitCode}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        break;
      } finally {
        await connection.close();
      }
    } catch (error) {
      if (Date.now() > until) {
        server.kill('SIGKILL');
        throw new Error(`the Temporal dev server did not answer at ${address}: ${(error as Error).message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  return {
    address,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (server.exitCode !== null) return;
      process.kill(-server.pid!, 'SIGTERM');
      const timer = setTimeout(() => process.kill(-server.pid!, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      process.removeListener('exit', killOnExit);
      if (server.exitCode !== null || server.signalCode !== null) return;
      process.kill(-server.pid!, 'SIGKILL');
      await exited;
    },
  };
}
