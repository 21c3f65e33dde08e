/**
 * `node dist/store/migrate.js` (or `npm run migrate`): brings the decision store's schema up to
 * date and exits. Safe to run from several instances at once; the worker and the API also run
 * it when they open the store, so this step only makes start-up order explicit.
 */
import { ConfigError, loadConfig } from '../config/config';
import { openDecisionStore } from './decision-store';

async function main(): Promise<void> {
  const config = loadConfig();
  const store = await openDecisionStore(config.store);
  await store.close();
  console.log('decision store schema is up to date');
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
