/**
 * Idempotency keys: the first request with a key claims it; its answer is kept for the retention
 * window, and the same key with the same request gets that answer again, from any API process.
 * A claim older than CLAIM_TIMEOUT was left by a process that died, and is taken over.
 */
import { storableJson, type Sql } from './sql';

/** Longer than any request takes (the API waits on Temporal 5 s, and on a decision 5 s more). */
const CLAIM_TIMEOUT_SECONDS = 20;

export interface IdempotencyScope {
  /** The route and the caller: two callers' keys never collide. */
  scope: string;
  key: string;
}

export type KeyClaim =
  | { kind: 'claimed' }
  | { kind: 'replay'; statusCode: number; response: unknown }
  /** The key was used for another request. */
  | { kind: 'mismatch' }
  /** The first request with this key is still being answered. */
  | { kind: 'in_progress' };

export interface IdempotencyKeys {
  claimIdempotencyKey(key: IdempotencyScope & { requestHash: string; retentionMs: number }): Promise<KeyClaim>;
  completeIdempotencyKey(key: IdempotencyScope & { statusCode: number; response: unknown }): Promise<void>;
  /** Gives an unanswered claim back, so the retry runs again. */
  releaseIdempotencyKey(key: IdempotencyScope): Promise<void>;
}

export function idempotencyKeys(sql: Sql): IdempotencyKeys {
  let lastSweep = 0;
  return {
    async claimIdempotencyKey({ scope, key, requestHash, retentionMs }) {
      // Expired keys go at most once a minute per process; the index on expires_at keeps it cheap.
      if (Date.now() - lastSweep > 60_000) {
        lastSweep = Date.now();
        await sql.query('DELETE FROM idempotency_keys WHERE expires_at < now()');
      }
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const inserted = await sql.query(
          `INSERT INTO idempotency_keys (scope, key, request_hash, expires_at)
           VALUES ($1, $2, $3, now() + make_interval(secs => $4))
           ON CONFLICT (scope, key) DO NOTHING RETURNING key`,
          [scope, key, requestHash, retentionMs / 1000],
        );
        if (inserted.rows.length) return { kind: 'claimed' };
        const { rows } = await sql.query<{
          request_hash: string;
          status_code: number | null;
          response: unknown;
          expired: boolean;
          abandoned: boolean;
        }>(
          `SELECT request_hash, status_code, response, expires_at < now() AS expired,
                  (status_code IS NULL AND created_at < now() - make_interval(secs => $3)) AS abandoned
             FROM idempotency_keys WHERE scope = $1 AND key = $2`,
          [scope, key, CLAIM_TIMEOUT_SECONDS],
        );
        const row = rows[0];
        if (!row) continue; // Released meanwhile.
        if (row.expired) {
          await sql.query('DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND expires_at < now()', [
            scope,
            key,
          ]);
          continue;
        }
        if (row.request_hash !== requestHash) return { kind: 'mismatch' };
        if (row.status_code !== null) return { kind: 'replay', statusCode: row.status_code, response: row.response };
        if (!row.abandoned) return { kind: 'in_progress' };
        const taken = await sql.query(
          `UPDATE idempotency_keys SET created_at = now()
            WHERE scope = $1 AND key = $2 AND status_code IS NULL AND created_at < now() - make_interval(secs => $3)
            RETURNING key`,
          [scope, key, CLAIM_TIMEOUT_SECONDS],
        );
        if (taken.rows.length) return { kind: 'claimed' };
      }
      return { kind: 'in_progress' };
    },

    async completeIdempotencyKey({ scope, key, statusCode, response }) {
      await sql.query(
        'UPDATE idempotency_keys SET status_code = $3, response = $4::jsonb WHERE scope = $1 AND key = $2',
        [scope, key, statusCode, storableJson(response)],
      );
    },

    async releaseIdempotencyKey({ scope, key }) {
      await sql.query('DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status_code IS NULL', [
        scope,
        key,
      ]);
    },
  };
}
