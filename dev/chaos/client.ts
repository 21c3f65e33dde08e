/**
 * The chaos run's HTTP client: requests as a careful client makes them, to either API, retried on
 * a 5xx or no answer.
 */
import type { Cluster } from './cluster';
import { sleep, type Random } from './random';

/** One request to the APIs: its status and JSON body once it has an answer worth keeping. */
export type Send = (
  method: string,
  path: string,
  token: string,
  body?: unknown,
  key?: string,
) => Promise<{ status: number; body: Record<string, unknown> }>;

/**
 * A request as a careful client makes it: to either API, retried on a 5xx or no answer (the
 * reviewer's requests give up once the run is finished; the starts never do). Each retry is
 * counted in `retried` by status.
 */
export function carefulClient(
  cluster: Cluster,
  rng: Random,
  retried: Record<string, number>,
  finished: () => boolean,
): Send {
  const count = (table: Record<string, number>, key: string) => (table[key] = (table[key] ?? 0) + 1);
  return async (method, path, token, body, key) => {
    for (let attempt = 0; ; attempt += 1) {
      if (finished() && method === 'GET') return { status: 0, body: {} };
      const url = rng.pick(cluster.apiUrls);
      try {
        const response = await fetch(`${url}${path}`, {
          method,
          headers: {
            Authorization: `Bearer ${token}`,
            ...(body ? { 'Content-Type': 'application/json' } : {}),
            ...(key ? { 'Idempotency-Key': key } : {}),
          },
          body: body ? JSON.stringify(body) : null,
          signal: AbortSignal.timeout(10_000),
        });
        if (response.status < 500 && response.status !== 409) {
          return { status: response.status, body: (await response.json()) as Record<string, unknown> };
        }
        const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
        // 409s worth retrying: a key still in use, an onboarding changing under us.
        if (
          response.status === 409 &&
          !['idempotency_key_in_progress', 'onboarding_in_flux'].includes(String(answer.error))
        ) {
          return { status: 409, body: answer };
        }
        count(retried, String(response.status));
      } catch {
        count(retried, 'no answer');
      }
      await sleep(Math.min(5_000, 200 * 2 ** Math.min(attempt, 5)));
    }
  };
}
