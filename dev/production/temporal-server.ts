/**
 * The Temporal server of `docker-compose.yml`, without Docker: built from its Go module at the
 * compose file's version, its config rendered from Temporal's own template with the compose
 * file's environment, as the server image does, and started on free ports.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { goBinary, goInstall, isExecutable } from '../go-install';
import { hostPathOf, ROOT, type ComposeService } from './compose';

/** A free TCP port below 32768: Temporal keeps membership ports in a PostgreSQL smallint. */
async function freeLowPort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (taken.has(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
    });
    if (free) {
      taken.add(port);
      return port;
    }
  }
}

/** The Temporal server, temporal-sql-tool and render-config, built once per version. */
export async function buildTools(version: string): Promise<{ binDir: string; moduleDir: string }> {
  const binDir = path.join(ROOT, '.temporal', `server-${version}`, 'bin');
  const ok = (name: string) => isExecutable(path.join(binDir, name));
  if (
    !ok('server') &&
    !(await goInstall(`go.temporal.io/server/cmd/server@v${version}`, binDir, `Temporal server ${version}`))
  ) {
    throw new Error(`could not build the Temporal server ${version}`);
  }
  if (
    !ok('sql') &&
    !(await goInstall(`go.temporal.io/server/cmd/tools/sql@v${version}`, binDir, 'temporal-sql-tool'))
  ) {
    throw new Error(`could not build temporal-sql-tool ${version}`);
  }
  if (!existsSync(path.join(binDir, 'temporal-sql-tool'))) symlinkSync('sql', path.join(binDir, 'temporal-sql-tool'));
  const go = goBinary()!;
  if (!ok('render-config')) {
    const built = spawnSync(go, ['build', '-o', path.join(binDir, 'render-config'), '.'], {
      cwd: path.join(ROOT, 'deploy', 'temporal', 'render-config'),
      stdio: 'inherit',
    });
    if (built.status !== 0) throw new Error('could not build deploy/temporal/render-config');
  }
  const modCache = spawnSync(go, ['env', 'GOMODCACHE'], { encoding: 'utf8' }).stdout.trim();
  return { binDir, moduleDir: path.join(modCache, 'go.temporal.io', `server@v${version}`) };
}

/** What the server runs with: the built tools, its PATH, its folder and log, and the run's clean-up steps. */
export interface ServerRun {
  binDir: string;
  moduleDir: string;
  PATH: string;
  work: string;
  logFile: string;
  /** The server's stop is added here as soon as it is spawned. */
  stops: (() => Promise<void>)[];
}

/** Starts compose's temporal service against PostgreSQL on `postgresPort`; its frontend address once it answers. */
export async function startTemporalServer(
  temporal: ComposeService,
  postgresPort: number,
  run: ServerRun,
): Promise<string> {
  const { ports, serverEnv } = await serverEnvironment(temporal, postgresPort);
  renderConfig(serverEnv, run);
  const server = spawnServer(serverEnv, run);
  const temporalAddress = `127.0.0.1:${ports.FRONTEND_GRPC_PORT}`;
  await waitForServer(server, temporalAddress, run.logFile);
  return temporalAddress;
}

/**
 * compose's environment for the server, on free ports. The server image's entrypoint: with
 * BIND_ON_IP 0.0.0.0 and no broadcast address, it broadcasts the container's IP; here, the loopback.
 */
async function serverEnvironment(temporal: ComposeService, postgresPort: number) {
  const local = { POSTGRES_SEEDS: '127.0.0.1', DB_PORT: String(postgresPort) };
  const taken = new Set<number>();
  const port = () => freeLowPort(taken);
  const ports = {
    FRONTEND_GRPC_PORT: await port(),
    FRONTEND_HTTP_PORT: await port(),
    FRONTEND_MEMBERSHIP_PORT: await port(),
    HISTORY_GRPC_PORT: await port(),
    HISTORY_MEMBERSHIP_PORT: await port(),
    MATCHING_GRPC_PORT: await port(),
    MATCHING_MEMBERSHIP_PORT: await port(),
    WORKER_GRPC_PORT: await port(),
    WORKER_MEMBERSHIP_PORT: await port(),
  };
  const serverEnv: Record<string, string> = {
    ...temporal.environment,
    ...local,
    ...Object.fromEntries(Object.entries(ports).map(([key, value]) => [key, String(value)])),
  };
  if (serverEnv.DYNAMIC_CONFIG_FILE_PATH) {
    serverEnv.DYNAMIC_CONFIG_FILE_PATH = hostPathOf(temporal, serverEnv.DYNAMIC_CONFIG_FILE_PATH);
  }
  if (['0.0.0.0', '::0'].includes(serverEnv.BIND_ON_IP ?? '') && !serverEnv.TEMPORAL_BROADCAST_ADDRESS) {
    serverEnv.TEMPORAL_BROADCAST_ADDRESS = '127.0.0.1';
  }
  return { ports, serverEnv };
}

/** Temporal's config template rendered with `serverEnv` into `config/docker.yaml`, as the image does. */
function renderConfig(serverEnv: Record<string, string>, run: ServerRun): void {
  mkdirSync(path.join(run.work, 'config'), { recursive: true });
  const rendered = spawnSync(
    path.join(run.binDir, 'render-config'),
    [path.join(run.moduleDir, 'docker', 'config_template.yaml'), path.join(run.work, 'config', 'docker.yaml')],
    { env: { PATH: run.PATH, ...serverEnv }, encoding: 'utf8' },
  );
  if (rendered.status !== 0) throw new Error(`rendering Temporal's config failed: ${rendered.stderr}`);
}

/** The server process, its output to the log; its stop (SIGTERM, then SIGKILL after 15 s) goes into `run.stops`. */
function spawnServer(serverEnv: Record<string, string>, run: ServerRun): ChildProcess {
  const output = createWriteStream(run.logFile, { flags: 'a' });
  const server = spawn(
    path.join(run.binDir, 'server'),
    ['--root', run.work, '--config', 'config', '--env', 'docker', '--allow-no-auth', 'start'],
    { cwd: run.work, env: { PATH: run.PATH, ...serverEnv }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  server.stdout.pipe(output, { end: false });
  server.stderr.pipe(output, { end: false });
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  run.stops.push(async () => {
    server.kill('SIGTERM');
    const timer = setTimeout(() => server.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  });
  return server;
}

/** Waits up to two minutes for the server to answer; fails at once, with its log, if it exits. */
async function waitForServer(server: ChildProcess, temporalAddress: string, logFile: string): Promise<void> {
  const until = Date.now() + 120_000;
  for (;;) {
    if (server.exitCode !== null) {
      throw new Error(
        `the Temporal server exited with ${server.exitCode}:\n${readFileSync(logFile, 'utf8').slice(-4000)}`,
      );
    }
    try {
      const connection = await Connection.connect({ address: temporalAddress, connectTimeout: 1_000 });
      await connection.workflowService.getSystemInfo({}).finally(() => connection.close());
      return;
    } catch {
      if (Date.now() > until) throw new Error(`the Temporal server did not answer at ${temporalAddress}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
