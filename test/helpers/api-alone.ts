/**
 * The API alone on real HTTP, wired from configuration as the API process is, on a store of its
 * own choosing, with no Temporal (a lazy connection to nowhere that nothing reaches): for the routes
 * that need none, such as the sign-in's. Tokens are the in-process system's.
 */
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../../config/config';
import { openDecisionStore, type DecisionStore } from '../../store/decision-store';
import { composeApi } from '../../system/compose';
import {
  AUDITOR_TOKEN,
  OTHER_REVIEWER_TOKEN,
  REVIEW_ASSERTION_KEYS,
  REVIEWER_TOKEN,
  SENIOR_REVIEWER_TOKEN,
  SERVICE_TOKEN,
} from '../../system/in-process-credentials';

export const TOKEN_ENV = {
  API_SERVICE_TOKENS: `test-backend:${SERVICE_TOKEN}`,
  API_REVIEWER_TOKENS: `reviewer-alice:${REVIEWER_TOKEN},reviewer-bob:${OTHER_REVIEWER_TOKEN}`,
  API_SENIOR_REVIEWER_TOKENS: `senior-carol:${SENIOR_REVIEWER_TOKEN}`,
  API_AUDITOR_TOKENS: `auditor-dan:${AUDITOR_TOKEN}`,
};

export interface ApiAlone {
  url: string;
  store: DecisionStore;
  close(): Promise<void>;
}

/** `env` over the tokens above; the store on `databaseUrl`, opened here and closed with the API. */
export async function startApiAlone(databaseUrl: string, env: Record<string, string> = {}): Promise<ApiAlone> {
  const config = loadConfig({ ...TOKEN_ENV, REVIEW_ASSERTION_KEYS, ...env });
  const store = await openDecisionStore({ databaseUrl });
  const api = await composeApi(config, {
    temporal: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }),
    store,
    overrides: { logLevel: 'silent' },
  });
  const url = await api.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    store,
    async close() {
      await api.close();
      await store.close();
    },
  };
}
