/** What `npm start` prints once a start would succeed: where every part is, and the dev credentials. */
import type { Config } from '../config/config';

/** `npm start`'s tokens when none are configured: for this machine only, and said so wherever they show. */
export const DEV_TOKENS = {
  service: { name: 'dev-backend', token: 'dev-service-token-change-me' },
  reviewer: { name: 'dev-reviewer', token: 'dev-reviewer-token-change-me' },
  reviewer2: { name: 'dev-reviewer-2', token: 'dev-reviewer-2-token-change-me' },
  senior: { name: 'dev-senior', token: 'dev-senior-token-change-me' },
  auditor: { name: 'dev-auditor', token: 'dev-auditor-token-change-me' },
} as const;
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
${facts.devTokens ? devTokenLines() : ''}`;
}

function devTokenLines(): string {
  const line = (label: string, { name, token }: { name: string; token: string }) =>
    `                    ${label.padEnd(16)} ${name.padEnd(16)} ${token}\n`;
  return (
    `  DEV TOKENS        for this machine only; a production API refuses placeholder tokens\n` +
    line('service', DEV_TOKENS.service) +
    line('reviewer', DEV_TOKENS.reviewer) +
    line('reviewer', DEV_TOKENS.reviewer2) +
    line('senior reviewer', DEV_TOKENS.senior) +
    line('auditor', DEV_TOKENS.auditor)
  );
}
