/**
 * Creates ComplyCube definitely refused, per activity attempt, so that a retried create knows when
 * no earlier attempt can have made a check (since 0.10.0).
 *
 * ComplyCube has no idempotency key: a retried create first lists the client's checks, in case an
 * earlier attempt created one and lost the answer. That list is a ComplyCube call like any other,
 * and under a burst most retries follow a refusal: ComplyCube's 429, or the send schedule's own
 * (`complycube/send-pacer.ts`), neither of which created anything. An attempt refused so writes a
 * row here before it fails; a retry whose every earlier attempt has a row skips the list. A missing
 * row (a worker killed mid-call, a timeout, a 5xx, the write itself failing) means "maybe created",
 * and the retry lists, as before. The rows of an activity go when its check is recorded.
 */
import type { Sql } from './sql';

export const REFUSED_CREATES_MIGRATION = `CREATE TABLE refused_check_creates (
     run_id      text        NOT NULL,
     activity_id text        NOT NULL,
     attempt     integer     NOT NULL,
     refused_at  timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (run_id, activity_id, attempt)
   )`;

/** One attempt of one create activity: the workflow run's ID, the activity's ID, the attempt. */
export interface CreateAttempt {
  runId: string;
  activityId: string;
  attempt: number;
}

export interface RefusedCreates {
  /** This attempt's create was refused before ComplyCube processed it. */
  recordRefusedCreate(attempt: CreateAttempt): Promise<void>;
  /** Whether every attempt before this one recorded a refusal (true for a first attempt). */
  everyEarlierCreateRefused(attempt: CreateAttempt): Promise<boolean>;
  /** The activity's check is recorded: its refusals are no longer needed. */
  forgetRefusedCreates(activity: Omit<CreateAttempt, 'attempt'>): Promise<void>;
}

export function refusedCreates(sql: Sql): RefusedCreates {
  return {
    async recordRefusedCreate({ runId, activityId, attempt }) {
      await sql.query(
        `INSERT INTO refused_check_creates (run_id, activity_id, attempt) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING`,
        [runId, activityId, attempt],
      );
    },
    async everyEarlierCreateRefused({ runId, activityId, attempt }) {
      if (attempt <= 1) return true;
      const { rows } = await sql.query<{ refused: number | string }>(
        `SELECT count(*) AS refused FROM refused_check_creates
          WHERE run_id = $1 AND activity_id = $2 AND attempt < $3`,
        [runId, activityId, attempt],
      );
      return Number(rows[0]?.refused ?? 0) === attempt - 1;
    },
    async forgetRefusedCreates({ runId, activityId }) {
      await sql.query(`DELETE FROM refused_check_creates WHERE run_id = $1 AND activity_id = $2`, [runId, activityId]);
    },
  };
}
