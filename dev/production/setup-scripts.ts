/**
 * The set-up scripts compose runs (create-databases.sh, setup-schema.sh, setup-namespace.sh), run
 * here as compose would: with the service's environment, hosts made local, and this run's tools.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { hostPathOf, ROOT, type Compose } from './compose';

/** Where the set-up scripts find PostgreSQL, the schema files and the tools. */
export interface SetupContext {
  postgresPort: number;
  moduleDir: string;
  path: string;
  temporalAddress: string;
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
export async function runSqlFile(url: string, file: string, variables: Record<string, string>): Promise<void> {
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
