/**
 * The audit trail of the review desk: every claim, release, first approval, decision and refused
 * attempt, append-only. The workflow writes what it accepted (a retry keeps one row: the ID is the
 * run's and the step's); the API and the CLI write the attempts an Update's validator refused.
 */
import { randomUUID } from 'node:crypto';
import type { ReviewAction } from '../workflows/onboarding-contract';
import { feedLedger } from './ledger';
import { reviewActionEntry } from './ledger-feeds';
import { storableText, type Sql } from './sql';

export interface ReviewTrail {
  /** Writes the action and its ledger entry together, once however often it is given. */
  recordReviewAction(action: ReviewAction): Promise<void>;
  /** An onboarding's actions, every run's, oldest first. */
  reviewActionsFor(onboardingId: string): Promise<ReviewAction[]>;
}

interface ActionRow {
  id: string;
  onboarding_id: string;
  workflow_id: string;
  run_id: string | null;
  kind: ReviewAction['kind'];
  actor: string;
  channel: ReviewAction['channel'];
  authenticated: boolean;
  decision: 'approve' | 'reject' | null;
  reason: string | null;
  refusal: string | null;
  resubmission: ReviewAction['resubmission'] | null;
  reason_codes: string[] | null;
  assignee: string | null;
  at: Date;
}

export function reviewTrail(sql: Sql): ReviewTrail {
  return {
    async recordReviewAction(a) {
      await sql.transaction(async (tx) => {
        const { rows } = await tx.query(
          `INSERT INTO review_actions
           (id, onboarding_id, workflow_id, run_id, kind, actor, channel, authenticated, decision, reason, refusal, at,
            resubmission, reason_codes, assignee)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
         ON CONFLICT (id) DO NOTHING RETURNING id`,
          [
            a.id,
            a.onboardingId,
            a.workflowId,
            a.runId || null,
            a.kind,
            storableText(a.actor),
            a.channel,
            a.authenticated,
            a.decision ?? null,
            a.reason === undefined ? null : storableText(a.reason),
            a.refusal ?? null,
            a.at,
            a.resubmission ? JSON.stringify(a.resubmission) : null,
            a.reasonCodes ? JSON.stringify(a.reasonCodes) : null,
            a.assignee === undefined ? null : storableText(a.assignee),
          ],
        );
        if (rows.length === 1) await feedLedger(tx, reviewActionEntry(a));
      });
    },

    async reviewActionsFor(onboardingId) {
      const { rows } = await sql.query<ActionRow>(
        'SELECT * FROM review_actions WHERE onboarding_id = $1 ORDER BY at, recorded_at, id',
        [onboardingId],
      );
      return rows.map((row) => ({
        id: row.id,
        onboardingId: row.onboarding_id,
        workflowId: row.workflow_id,
        runId: row.run_id ?? '',
        kind: row.kind,
        actor: row.actor,
        channel: row.channel,
        authenticated: row.authenticated,
        ...(row.decision ? { decision: row.decision } : {}),
        ...(row.reason !== null ? { reason: row.reason } : {}),
        ...(row.refusal !== null ? { refusal: row.refusal } : {}),
        ...(row.resubmission ? { resubmission: row.resubmission } : {}),
        ...(row.reason_codes ? { reasonCodes: row.reason_codes } : {}),
        ...(row.assignee !== null ? { assignee: row.assignee } : {}),
        at: new Date(row.at).toISOString(),
      }));
    },
  };
}

/** An attempt an Update's validator refused, as its audit row (the API and the CLI write these). */
export function refusedAttempt(attempt: {
  onboardingId: string;
  workflowId: string;
  kind: 'claim' | 'release' | 'decision' | 'assignment';
  actor: string;
  channel: ReviewAction['channel'];
  refusal: string;
  decision?: 'approve' | 'reject' | 'request_resubmission';
  assignee?: string;
}): ReviewAction {
  return {
    id: `refused:${randomUUID()}`,
    onboardingId: attempt.onboardingId,
    workflowId: attempt.workflowId,
    runId: '',
    kind: 'refused',
    actor: attempt.actor,
    channel: attempt.channel,
    authenticated: attempt.channel !== 'signal',
    ...(attempt.decision ? { decision: attempt.decision } : {}),
    ...(attempt.assignee !== undefined ? { assignee: attempt.assignee } : {}),
    reason: `${attempt.kind} refused`,
    refusal: attempt.refusal.slice(0, 200),
    at: new Date().toISOString(),
  };
}
