/** Decisions: one row per workflow run, kept after Temporal has forgotten the run. */
import type { CheckState, OnboardingDecision, OutboundEvent } from '../workflows/onboarding-contract';
import { feedLedger } from './ledger';
import { decisionEntry } from './ledger-feeds';
import type { WebhookDelivery } from './outbound-webhooks';
import { insertOutboundEvents } from './outbox';
import { storableJson, storableText, type Sql } from './sql';

/** A recorded decision: the workflow's decision and when the store took it. */
export interface DecisionRecord extends OnboardingDecision {
  recordedAt: string;
}

export interface DecisionRecords {
  /** Records a decision, and its ledger entry, once per workflow run; a repeat leaves the first row as it is. */
  recordDecision(decision: OnboardingDecision): Promise<{ inserted: boolean }>;
  /**
   * The same, and `events` in the outbox, in one transaction: the events are there if and only if
   * the decision is. With each event's deliveries (`insertOutboundEvents`).
   */
  recordDecisionWithEvents(
    decision: OnboardingDecision,
    events: { event: OutboundEvent; body: string }[],
  ): Promise<{ inserted: boolean; deliveries: WebhookDelivery[] }>;
  /** Every decision recorded for an onboarding (one per run), newest first. */
  decisionsFor(onboardingId: string): Promise<DecisionRecord[]>;
}

interface DecisionRow {
  workflow_id: string;
  run_id: string;
  onboarding_id: string;
  decision: OnboardingDecision['decision'];
  decided_by_kind: OnboardingDecision['decidedByKind'];
  decided_by: string;
  reason: string;
  review_reasons: string[];
  checks: CheckState[];
  started_at: Date;
  decided_at: Date;
  recorded_at: Date;
  channel: OnboardingDecision['channel'] | null;
  approvals: OnboardingDecision['approvals'] | null;
  reason_codes: string[] | null;
  verified: boolean | null;
}

const iso = (value: Date | string) => new Date(value).toISOString();

/** The decision's row and, if it is new, its ledger entry, inside the caller's transaction `tx`. */
async function insertDecision(tx: Pick<Sql, 'query'>, d: OnboardingDecision): Promise<{ inserted: boolean }> {
  const { rows } = await tx.query<{ workflow_id: string }>(
    `INSERT INTO onboarding_decisions
     (workflow_id, run_id, onboarding_id, decision, decided_by_kind, decided_by, reason,
      review_reasons, checks, started_at, decided_at, channel, approvals, verified, reason_codes)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10, $11, $12, $13::jsonb, $14, $15::jsonb)
     ON CONFLICT (workflow_id, run_id) DO NOTHING
     RETURNING workflow_id`,
    [
      d.workflowId,
      d.runId,
      d.onboardingId,
      d.decision,
      d.decidedByKind,
      storableText(d.decidedBy),
      storableText(d.reason),
      storableJson(d.reviewReasons),
      storableJson(d.checks),
      d.startedAt,
      d.decidedAt,
      d.channel ?? null,
      d.approvals ? storableJson(d.approvals) : null,
      d.verified ?? null,
      d.reasonCodes ? storableJson(d.reasonCodes) : null,
    ],
  );
  if (rows.length === 1) await feedLedger(tx, decisionEntry(d));
  return { inserted: rows.length === 1 };
}

export function decisionRecords(sql: Sql): DecisionRecords {
  return {
    recordDecision: (d) => sql.transaction((tx) => insertDecision(tx, d)),

    recordDecisionWithEvents: (d, events) =>
      sql.transaction(async (tx) => {
        const { inserted } = await insertDecision(tx, d);
        return { inserted, deliveries: await insertOutboundEvents(tx, events) };
      }),

    async decisionsFor(onboardingId) {
      const { rows } = await sql.query<DecisionRow>(
        `SELECT * FROM onboarding_decisions WHERE onboarding_id = $1 ORDER BY decided_at DESC, recorded_at DESC`,
        [onboardingId],
      );
      return rows.map((row) => ({
        onboardingId: row.onboarding_id,
        workflowId: row.workflow_id,
        runId: row.run_id,
        decision: row.decision,
        decidedByKind: row.decided_by_kind,
        decidedBy: row.decided_by,
        reason: row.reason,
        reviewReasons: row.review_reasons,
        checks: row.checks,
        startedAt: iso(row.started_at),
        decidedAt: iso(row.decided_at),
        ...(row.channel ? { channel: row.channel } : {}),
        ...(row.verified ? { verified: true } : {}),
        ...(row.approvals ? { approvals: row.approvals } : {}),
        ...(row.reason_codes ? { reasonCodes: row.reason_codes } : {}),
        recordedAt: iso(row.recorded_at),
      }));
    },
  };
}
