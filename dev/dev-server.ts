/**
 * The Temporal dev server for `npm start`, run from the CLI in a process group of its own, so a
 * Ctrl-C in the terminal reaches `npm start` only, which then stops the worker and the API while
 * Temporal is still up, and the dev server last. A watchdog stops it when its starter is gone, even
 * killed with SIGKILL, so it never holds its ports for the next start.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { Connection } from '@temporalio/client';

const root = path.resolve(__dirname, '..');
const watchdog = path.join(__dirname, 'dev-server-watchdog.ts');

export interface DevServerOptions {
  cli: string;
  ip: string;
  port: number;
  /** The Web UI's port; none without it. */
  uiPort?: number;
  /** The codec server the Web UI decodes payloads with. */
  uiCodecEndpoint?: string;
  dbFilename: string;
  namespace: string;
  /** `name=Type` pairs registered at start. */
  searchAttributes: string[];
}

export interface DevServer {
  address: string;
  /** Settles with its exit code when it exits, asked to or not. */
  exited: Promise<number | null>;
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
    ...(options.uiPort && options.uiCodecEndpoint ? ['--ui-codec-endpoint', options.uiCodecEndpoint] : []),
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
  // Through the watchdog, whose stdin pipe is this process's lifeline (see dev-server-watchdog.ts).
  const server = spawn(process.execPath, ['--import', 'tsx', watchdog, options.cli, ...args], {
    cwd: root,
    detached: true,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
  const address = `${options.ip}:${options.port}`;
  await untilListening(server, exited, address);

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
        process.kill(-server.pid!, 'SIGKILL');
        throw new Error(`the Temporal dev server did not answer at ${address}: ${(error as Error).message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  return {
    address,
    exited,
    async stop() {
      if (server.exitCode !== null || server.signalCode !== null) return;
      server.stdin.end();
      await exited;
    },
    async kill() {
      if (server.exitCode !== null || server.signalCode !== null) return;
      process.kill(-server.pid!, 'SIGKILL');
      await exited;
    },
  };
}

/**
 * Resolves once the CLI says it serves `address` (its "Server:" line, printed after it has bound its
 * ports), passing its output on. Only then is the server at that address this one: a CLI that cannot
 * bind exits, and another server on the port would otherwise answer in its place.
 */
function untilListening(
  server: ChildProcessByStdio<Writable, Readable, null>,
  exited: Promise<number | null>,
  address: string,
) {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      process.kill(-server.pid!, 'SIGKILL');
      reject(new Error(`the Temporal dev server did not start listening at ${address} within 60 s`));
    }, 60_000);
    const lines = createInterface({ input: server.stdout });
    lines.on('line', (line) => {
      console.log(line);
      if (/^Server:\s/.test(line)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the Temporal dev server exited with ${code} (its message is above)`));
    });
  });
}
