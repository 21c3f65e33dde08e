/**
 * The operator CLI's review commands go through the API, as the console does: the API
 * authenticates the reviewer's token and signs its assertion of who decided, which the worker
 * verifies (docs/security.md). The CLI holds no key and names no reviewer; the token says who.
 * `KYC_API_URL` (default http://127.0.0.1:<API_PORT or 3000>) and `KYC_API_TOKEN`, from the
 * environment only, so the token is never on a command line other users can list.
 */
import { randomUUID } from 'node:crypto';
import { RefusedError, UsageError, type CommandName } from './usage';

export interface ApiTarget {
  url: string;
  token: string;
}

/** Where the API is and the reviewer's token, from the environment; a usage error without a token. */
export function apiTarget(env: NodeJS.ProcessEnv, command: CommandName): ApiTarget {
  const token = env.KYC_API_TOKEN?.trim();
  if (!token) {
    throw new UsageError(
      `${command} goes through the API as the reviewer whose token is in KYC_API_TOKEN (set it; KYC_API_URL says where the API is).`,
      command,
    );
  }
  const url = (env.KYC_API_URL ?? `http://127.0.0.1:${env.API_PORT ?? '3000'}`).replace(/\/+$/, '');
  return { url, token };
}

interface ErrorBody {
  error?: string;
  message?: string;
  details?: { claimedBy?: string; until?: string };
}

/**
 * Sends one review request with a fresh Idempotency-Key (a retry of this call is the same
 * request); answers the body of a 2xx. A refusal (409) is exit code 3 with the API's sentence;
 * the API has recorded it on the audit trail. Anything else is an error naming the status.
 */
export async function reviewRequest(
  target: ApiTarget,
  method: 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const send = () =>
    fetch(`${target.url}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${target.token}`,
        'Idempotency-Key': key,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  const key = randomUUID();
  const response = await send().catch((error: Error) => {
    throw new Error(
      `The API at ${target.url} cannot be reached (${error.cause instanceof Error ? error.cause.message : error.message}).`,
    );
  });
  const answer = (await response.json().catch(() => ({}))) as Record<string, unknown> & ErrorBody;
  if (response.ok) return answer;
  const said = `${answer.error ?? response.status}: ${answer.message ?? response.statusText}`;
  if (response.status === 409) {
    const holder = answer.details?.claimedBy
      ? ` (held by ${answer.details.claimedBy} until ${answer.details.until})`
      : '';
    throw new RefusedError(`Refused (${said})${holder}. It was recorded on the audit trail.`);
  }
  if (response.status === 401 || response.status === 403) {
    throw new RefusedError(`The API did not let KYC_API_TOKEN do this (${said}).`);
  }
  throw new Error(`The API answered ${response.status} (${said}).`);
}
