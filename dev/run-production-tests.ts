/**
 * `npm run test:production`: the production topology of docker-compose.yml without Docker
 * (dev/production/topology.ts: the Temporal server built from source at the compose file's
 * version, on PostgreSQL, set up by the compose file's own scripts), then the worker-restart and
 * scale-out tests and the topology's own tests against it: two workers and two APIs on one real
 * Temporal and one PostgreSQL.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';
import { connectionBudget } from './production/budget';
import { startProductionTopology, type TopologyFacts } from './production/topology';
import { findOrBuildTemporalCli } from './temporal-cli';

const root = path.resolve(__dirname, '..');
const DEFAULT_FILES = ['test/production/topology.test.ts', 'test/worker-restart.test.ts', 'test/scale-out.test.ts'];

async function main(): Promise<number> {
  const cli = await findOrBuildTemporalCli();
  const topology = await startProductionTopology();
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);
  // PostgreSQL's connections, sampled through the whole run, against what compose sizes them for.
  const admin = new Client({ connectionString: topology.adminDatabaseUrl });
  await admin.connect();
  let peak = 0;
  const sampler = setInterval(() => {
    admin
      .query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'client backend'")
      .then(({ rows }) => (peak = Math.max(peak, rows[0]!.n)))
      .catch(() => undefined);
  }, 250);
  try {
    const requested = process.argv.slice(2);
    const runner = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-concurrency=1', ...(requested.length ? requested : DEFAULT_FILES)],
      {
        cwd: root,
        stdio: 'inherit',
        env: {
          ...process.env,
          ...(cli ? { TEMPORAL_CLI_PATH: cli } : {}),
          TEST_TEMPORAL_ADDRESS: topology.temporalAddress,
          TEST_TEMPORAL_NAMESPACE: topology.namespace,
          TEST_DATABASE_URL: topology.kycDatabaseUrl,
          TEST_ADMIN_DATABASE_URL: topology.adminDatabaseUrl,
          TEST_APP_ENV: JSON.stringify(topology.appEnv),
          TEST_TOPOLOGY: JSON.stringify({
            temporalVersion: topology.temporalVersion,
            postgresVersion: topology.postgresVersion,
            maxConnections: topology.maxConnections,
            logFile: topology.logFile,
            setup: topology.setup,
          } satisfies TopologyFacts),
        },
      },
    );
    const code = await new Promise<number>((resolve) => runner.once('exit', (status) => resolve(status ?? 1)));
    const budget = connectionBudget(topology.compose);
    console.log(
      `PostgreSQL connections: peak ${peak} during the run; compose sizes the pools for ${budget.total} ` +
        `(${budget.explain}) within max_connections ${topology.maxConnections}.`,
    );
    if (peak > budget.total) {
      console.error('More connections than compose sizes the pools for: the budget in docker-compose.yml is wrong.');
      return 1;
    }
    return code;
  } finally {
    clearInterval(sampler);
    await admin.end().catch(() => undefined);
    await topology.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
