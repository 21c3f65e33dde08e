/**
 * `node dist/store/migrate.js` (or `npm run migrate`): brings the decision store's schema up to
 * date and exits. Safe to run from several instances at once; the worker and the API also run
 * it when they open the store, so this step only makes start-up order explicit.
 *
 * `--app-role NAME` then creates (if missing) the application's role and grants it the tables,
 * the ledger for INSERT and SELECT only (`app-role.ts`); its password from APP_DATABASE_PASSWORD
 * when set. Run it as the owner, with DATABASE_URL naming the owner.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/config';
import { ensureAppRole } from './app-role';
import { openDecisionStore } from './decision-store';
import { postgres } from './sql';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'app-role': { type: 'string' } } });
  const config = loadConfig();
  const store = await openDecisionStore(config.store);
  await store.close();
  console.log('decision store schema is up to date');
  const name = values['app-role'];
  if (name === undefined) return;
  if (!('databaseUrl' in config.store) || !config.store.databaseUrl) {
    throw new ConfigError('--app-role needs DATABASE_URL: the embedded store has no roles');
  }
  const owner = postgres(config.store.databaseUrl, 1);
  try {
    const password = process.env.APP_DATABASE_PASSWORD || undefined;
    await ensureAppRole(owner, { name, ...(password ? { password } : {}) });
  } finally {
    await owner.close();
  }
  console.log(`role ${name} may read and write the store, and only INSERT and SELECT on the ledger`);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
