/**
 * Production refuses the placeholders of `deploy/compose.env.example`: a token, key or secret that
 * still says "change-me" is one anybody who read the example knows. The API and the worker check
 * their own variables at start-up (`npm start` and the tests make real values of their own). The
 * error names the variables, never their values. `ALLOW_PLACEHOLDER_SECRETS=true` lets a local
 * trial of the compose file run on the example's values; never set it anywhere else.
 */
import { ConfigError } from './errors';

const PLACEHOLDER = /change[-_ ]?me/i;

/** The API's credentials: every token, the assertion and codec keys, the webhook secret, the IdP's client secret. */
export const API_SECRETS = [
  'API_SERVICE_TOKENS',
  'API_REVIEWER_TOKENS',
  'API_SENIOR_REVIEWER_TOKENS',
  'API_AUDITOR_TOKENS',
  'REVIEW_ASSERTION_KEYS',
  'PAYLOAD_CODEC_KEYS',
  'COMPLYCUBE_WEBHOOK_SECRET',
  'OIDC_CLIENT_SECRET',
] as const;

/** The worker's: the assertion key, the payload codec's keys and ComplyCube's API key. */
export const WORKER_SECRETS = ['REVIEW_ASSERTION_KEYS', 'PAYLOAD_CODEC_KEYS', 'COMPLYCUBE_API_KEY'] as const;

/** Throws naming every variable of `names` that still holds a placeholder. */
export function refusePlaceholders(env: NodeJS.ProcessEnv, names: readonly string[]): void {
  if (env.ALLOW_PLACEHOLDER_SECRETS === 'true') return;
  const found = names.filter((name) => PLACEHOLDER.test(env[name] ?? ''));
  if (found.length === 0) return;
  throw new ConfigError(
    `invalid configuration: ${found.join(', ')} still hold the example's "change-me" placeholders; ` +
      'replace them with values of your own (deploy/compose.env.example says how to make each)',
  );
}
