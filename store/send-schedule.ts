/**
 * A send schedule shared by every process on the store: each call toward a rate-limited service
 * reserves the next free slot of its key, slots `intervalMs` apart, and waits for it. One row per
 * key, one UPDATE per reservation, so calls leave the fleet evenly spaced whatever the jitter of
 * the processes that send them. Nothing is held: a process killed after reserving wastes one slot,
 * and the schedule moves on (`greatest(next_slot, now())` never lets the past pile up).
 */
import type { Sql } from './sql';

export const SEND_SCHEDULE_MIGRATION = `CREATE TABLE send_schedule (
     key text PRIMARY KEY,
     next_slot timestamptz NOT NULL
   )`;

export interface SendSchedule {
  /**
   * Reserves the next slot of `key`: the milliseconds to wait before sending, or `undefined` (and
   * nothing reserved) when that slot is more than `maxWaitMs` away.
   */
  reserveSendSlot(key: string, intervalMs: number, maxWaitMs: number): Promise<number | undefined>;
}

export function sendSchedule(sql: Sql): SendSchedule {
  return {
    async reserveSendSlot(key, intervalMs, maxWaitMs) {
      // clock_timestamp(), not now(): a statement inside a long transaction would read a stale now().
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
  };
}
