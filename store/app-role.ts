/**
 * The application's database role, for compose and the tests (`docs/ledger.md`): the worker and
 * the API connect as a role that reads and writes the store's tables but may only INSERT into and
 * SELECT from `ledger_entries`, never UPDATE, DELETE or TRUNCATE it; nor can it change the schema
 * or the trigger (only the owner can). Migrations run as the owner (`npm run migrate`).
 *
 * `ensureAppRole` runs as the owner, after the migrations; it is safe to repeat, and grants on the
 * tables as they stand, so it runs again after a migration that adds a table.
 */
import type { Sql } from './sql';

export interface AppRole {
  /** The role's name (an SQL identifier; quoted here, so any name works). */
  name: string;
  /** Set when given; absent, the role logs in as the server's authentication allows. */
  password?: string;
}

/** Creates the role if it is missing and grants it what the application needs, and no more. */
export async function ensureAppRole(owner: Pick<Sql, 'query'>, role: AppRole): Promise<void> {
  const { rows } = await owner.query<{ exists: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AS exists',
    [role.name],
  );
  // format() quotes the name (%I) and the password (%L): nothing of either is pasted into SQL here.
  const statement = async (template: string, ...args: string[]) => {
    const { rows: built } = await owner.query<{ sql: string }>(
      `SELECT format($1::text, ${args.map((_, i) => `$${i + 2}::text`).join(', ')}) AS sql`,
      [template, ...args],
    );
    await owner.query(built[0]!.sql);
  };
  if (!rows[0]?.exists) await statement('CREATE ROLE %I LOGIN', role.name);
  if (role.password !== undefined) await statement('ALTER ROLE %I PASSWORD %L', role.name, role.password);
  await statement('GRANT USAGE ON SCHEMA public TO %I', role.name);
  await statement('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %I', role.name);
  await statement('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO %I', role.name);
  await statement('REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON decision_store_migrations FROM %I', role.name);
  await statement('REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON ledger_entries FROM %I', role.name);
}
