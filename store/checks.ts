/** The map from ComplyCube check IDs to the runs that created them (webhook events carry the check ID only). */
import { feedLedger } from './ledger';
import { checkEntry } from './ledger-feeds';
import type { Sql } from './sql';

/** Which run created a ComplyCube check. */
export interface CheckMapping {
  checkId: string;
  checkType: string;
  onboardingId: string;
  workflowId: string;
  runId: string;
}

export interface CheckMap {
  /** Remembers which run created a check, and puts its creation on the ledger. Idempotent. */
  recordCheck(mapping: CheckMapping): Promise<void>;
  findCheck(checkId: string): Promise<CheckMapping | undefined>;
  /** IDs of checks that belong to earlier runs of this onboarding. */
  checkIdsOfOtherRuns(onboardingId: string, runId: string): Promise<Set<string>>;
}

export function checkMap(sql: Sql): CheckMap {
  return {
    async recordCheck(m) {
      await sql.transaction(async (tx) => {
        const { rows } = await tx.query<{ created_at: Date }>(
          `INSERT INTO onboarding_checks (check_id, check_type, onboarding_id, workflow_id, run_id)
           VALUES ($1, $2, $3, $4, $5) ON CONFLICT (check_id) DO NOTHING RETURNING created_at`,
          [m.checkId, m.checkType, m.onboardingId, m.workflowId, m.runId],
        );
        if (rows[0]) await feedLedger(tx, checkEntry(m, new Date(rows[0].created_at)));
      });
    },

    async findCheck(checkId) {
      const { rows } = await sql.query<{
        check_id: string;
        check_type: string;
        onboarding_id: string;
        workflow_id: string;
        run_id: string;
      }>('SELECT * FROM onboarding_checks WHERE check_id = $1', [checkId]);
      const row = rows[0];
      return row
        ? {
            checkId: row.check_id,
            checkType: row.check_type,
            onboardingId: row.onboarding_id,
            workflowId: row.workflow_id,
            runId: row.run_id,
          }
        : undefined;
    },

    async checkIdsOfOtherRuns(onboardingId, runId) {
      const { rows } = await sql.query<{ check_id: string }>(
        'SELECT check_id FROM onboarding_checks WHERE onboarding_id = $1 AND run_id <> $2',
        [onboardingId, runId],
      );
      return new Set(rows.map((row) => row.check_id));
    },
  };
}
