/** What `npm start` prints once a start would succeed: where every part is, and the dev credentials. */
import type { Config } from '../config/config';

export const DEV_SERVICE_TOKEN = 'dev-service-token-change-me';
export const DEV_REVIEWER_TOKEN = 'dev-reviewer-token-change-me';
export const EMULATOR_KEY = 'test_emulator_key';

export interface StartFacts {
  config: Config;
  temporalAddress: string;
  /** The dev server's UI; undefined when the server is the one TEMPORAL_ADDRESS names. */
  ui: string | undefined;
  versionLine: string;
  apiUrl: string;
  workerMetrics: string | undefined;
  tracing: boolean;
  emulator: { url: string; key: string } | undefined;
  devTokens: boolean;
  /** The embedded store's folder; undefined on PostgreSQL. */
  storeDir: string | undefined;
}

export function startBanner(facts: StartFacts): string {
  const { config, apiUrl } = facts;
  const own = facts.ui !== undefined;
  return `
KYC onboarding orchestrator is running. Ctrl-C stops everything.

  Temporal          ${facts.temporalAddress}  (${own ? '' : 'TEMPORAL_ADDRESS; '}namespace ${config.temporal.namespace}, task queue ${config.temporal.taskQueue})
  Temporal UI       ${facts.ui ?? 'that of the server at TEMPORAL_ADDRESS'}
  Worker            ${facts.versionLine}
  Review console    ${apiUrl}/console/   (sign in with the reviewer token)
  API               ${apiUrl}   (docs: ${apiUrl}/docs)
  Metrics           API ${apiUrl}/metrics   worker ${facts.workerMetrics ? `http://${facts.workerMetrics}/metrics` : 'off'}   traces ${facts.tracing ? 'exported over OTLP' : 'off (set OTEL_EXPORTER_OTLP_ENDPOINT)'}
  ComplyCube        ${facts.emulator ? `${facts.emulator.url}  (emulator; API key ${facts.emulator.key})` : config.complyCube.baseUrl}
  Decision store    ${facts.storeDir === undefined ? 'PostgreSQL (DATABASE_URL)' : `embedded, ${facts.storeDir}`}
${facts.devTokens ? `  Dev tokens        service: ${DEV_SERVICE_TOKEN}   reviewer (dev-reviewer): ${DEV_REVIEWER_TOKEN}\n` : ''}`;
}
