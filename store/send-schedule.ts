/**
 * A send schedule shared by every process on the store, toward a rate-limited service that counts
 * the calls arriving within any window (ComplyCube: 5 in any second). Two parts:
 *
 * - **Slots.** Each call reserves the next free slot of its key, slots `intervalMs` apart, and
 *   waits for it: one row per key, one UPDATE per reservation, so calls leave the fleet evenly
 *   spaced and in order whatever the jitter of the processes that send them.
 * - **The window.** A slot says when a call may leave, not when it arrives: a process held up sends
 *   late, a request can take 100 ms to reach the service, and late calls bunch with the on-time
 *   ones after them. So at its slot a call is admitted only if fewer than `limit` calls may have
 *   arrived within the last `windowMs`. A call may arrive from its admission (`stamps`) until its
 *   answer comes back (`busy`, set when it settles), or until its timeout while it has not. Every
 *   arrival lies inside that span, so no `limit + 1` calls can arrive within one window, whatever
 *   the delays on the way.
 *
 * Nothing is held: a process killed after reserving wastes one slot; one killed mid-call leaves an
 * entry busy until its timeout, which then ages out of the window; `greatest(next_slot, now())`
 * never lets the past pile up.
 */
import type { Sql } from './sql';

export const SEND_SCHEDULE_MIGRATION = `CREATE TABLE send_schedule (
     key text PRIMARY KEY,
     next_slot timestamptz NOT NULL
   )`;

/** Migration 14: each key's calls that may still fall within the window, as parallel arrays. */
export const SEND_WINDOW_MIGRATION = `CREATE TABLE send_window (
     key text PRIMARY KEY,
     stamps timestamptz[] NOT NULL,
     busy timestamptz[] NOT NULL
   )`;

/** A call's admission: its stamp (to settle it by), or how long until one may be possible. */
export type SendAdmission = { admitted: true; stamp: string } | { admitted: false; waitMs: number };

export interface SendSchedule {
  /**
   * Reserves the next slot of `key`: the milliseconds to wait before sending, or `undefined` (and
   * nothing reserved) when that slot is more than `maxWaitMs` away.
   */
  reserveSendSlot(key: string, intervalMs: number, maxWaitMs: number): Promise<number | undefined>;
  /**
   * Admits a call about to be sent if fewer than `limit` calls may have arrived within the last
   * `windowMs`; it counts as busy for `timeoutMs` unless it settles sooner.
   */
  admitSend(key: string, limit: number, windowMs: number, timeoutMs: number): Promise<SendAdmission>;
  /** The call's answer is back (or it failed): it arrived, if at all, by now. */
  settleSend(key: string, stamp: string): Promise<void>;
}

// clock_timestamp(), not now(): a statement inside a long transaction would read a stale now().
const SINCE = `clock_timestamp() - make_interval(secs => $3)`;
// A stamp goes out and comes back as microseconds since the epoch, so that it names one entry (the
// first that matches, where a coarse clock gives two calls the same stamp).
const micros = (timestamp: string) => `(extract(epoch FROM ${timestamp}) * 1000000)::bigint`;
const ENTRY = `coalesce((SELECT min(j) FROM unnest(stamps) WITH ORDINALITY AS v(s, j)
                          WHERE ${micros('s')} = $2::bigint), 0)`;

export function sendSchedule(sql: Sql): SendSchedule {
  return {
    async reserveSendSlot(key, intervalMs, maxWaitMs) {
      const { rows } = await sql.query<{ wait_ms: number | string }>(
        `INSERT INTO send_schedule AS s (key, next_slot)
           VALUES ($1, clock_timestamp() + make_interval(secs => $2))
         ON CONFLICT (key) DO UPDATE
           SET next_slot = greatest(s.next_slot, clock_timestamp()) + make_interval(secs => $2)
           WHERE s.next_slot <= clock_timestamp() + make_interval(secs => $3)
         RETURNING extract(epoch FROM (next_slot - make_interval(secs => $2) - clock_timestamp())) * 1000 AS wait_ms`,
        [key, intervalMs / 1000, maxWaitMs / 1000],
      );
      const row = rows[0];
      return row ? Math.max(0, Number(row.wait_ms)) : undefined;
    },

    async admitSend(key, limit, windowMs, timeoutMs) {
      // The row's lock (ON CONFLICT DO UPDATE takes it, updated or not) serializes admissions of a
      // key, and its SET and WHERE read the row as the last admission left it. Entries whose busy
      // span ended before the window are dropped: they can no longer count.
      const { rows } = await sql.query<{ stamp: string }>(
        `INSERT INTO send_window AS w (key, stamps, busy)
           VALUES ($1, ARRAY[clock_timestamp()], ARRAY[clock_timestamp() + make_interval(secs => $4)])
         ON CONFLICT (key) DO UPDATE
           SET (stamps, busy) = (
             SELECT coalesce(array_agg(s ORDER BY i), '{}') || clock_timestamp(),
                    coalesce(array_agg(b ORDER BY i), '{}') || (clock_timestamp() + make_interval(secs => $4))
               FROM unnest(w.stamps, w.busy) WITH ORDINALITY AS u(s, b, i)
              WHERE b > ${SINCE})
           WHERE (SELECT count(*) FROM unnest(w.busy) AS b WHERE b > ${SINCE}) < $2
         RETURNING ${micros('stamps[cardinality(stamps)]')}::text AS stamp`,
        [key, limit, windowMs / 1000, timeoutMs / 1000],
      );
      if (rows[0]) return { admitted: true, stamp: rows[0].stamp };
      // Refused. The limit-th latest busy end decides: once it leaves the window, there is room.
      // While that call is still out, its answer may come any moment: look again shortly.
      const { rows: waits } = await sql.query<{ wait_ms: number | string; out: boolean }>(
        `SELECT extract(epoch FROM (b + make_interval(secs => $3) - clock_timestamp())) * 1000 AS wait_ms,
                b > clock_timestamp() AS out
           FROM send_window AS w,
                LATERAL (SELECT b FROM unnest(w.busy) AS b WHERE b > ${SINCE} ORDER BY b DESC OFFSET $2 - 1 LIMIT 1) AS x
          WHERE w.key = $1`,
        [key, limit, windowMs / 1000],
      );
      const wait = waits[0];
      if (!wait) return { admitted: false, waitMs: 1 };
      return { admitted: false, waitMs: Math.max(1, wait.out ? 10 : Number(wait.wait_ms)) };
    },

    async settleSend(key, stamp) {
      await sql.query(
        `UPDATE send_window
            SET busy = ARRAY(
              SELECT CASE WHEN i = ${ENTRY} THEN least(b, clock_timestamp()) ELSE b END
                FROM unnest(busy) WITH ORDINALITY AS u(b, i) ORDER BY i)
          WHERE key = $1`,
        [key, stamp],
      );
    },
  };
}
