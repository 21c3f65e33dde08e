/**
 * The review queue: one row per run on the review desk, written by the workflow as its review
 * state changes, listed oldest first (Temporal's SQL visibility cannot sort). A row is replaced
 * only by a newer version of itself, so writes arriving out of order leave the newest.
 */
import {
  REVIEW_STATUSES,
  type Approval,
  type CaseClaim,
  type ReviewCase,
  type ReviewStatus,
} from '../workflows/onboarding-contract';
import { feedLedger } from './ledger';
import { SENT_TO_REVIEW_STATUSES, sentToReviewEntry } from './ledger-feeds';
import { storableJson, type Sql } from './sql';

/** What narrows the review desk's listing; every filter given must hold. */
export interface QueueFilter {
  /** A review reason the case was opened for, e.g. `enhanced_identity_check.attention`. */
  reason?: string;
  /** Only cases past their review SLA. */
  slaBreached?: boolean;
  /** Only cases this reviewer holds now: claimed by them, or assigned to them. */
  heldBy?: string;
  /** One onboarding (its client ID). */
  onboardingId?: string;
}

export interface QueuePage {
  items: ReviewCase[];
  /** Where the next page starts, when there is one. */
  after?: { openedAt: string; onboardingId: string };
}

export interface ReviewQueue {
  syncReviewCase(reviewCase: ReviewCase): Promise<void>;
  /** Cases in these statuses, oldest first, `limit` at a time, from after `after`. */
  listReviewCases(options: {
    statuses: readonly ReviewStatus[];
    limit: number;
    after?: { openedAt: string; onboardingId: string };
    filter?: QueueFilter;
  }): Promise<QueuePage>;
  /** The latest row of an onboarding's runs, if it was ever on the desk. */
  reviewCaseFor(onboardingId: string): Promise<ReviewCase | undefined>;
  /** Cases and the oldest's opening, by review status: cheap with an index, for metrics. */
  reviewQueueDepth(): Promise<{ status: ReviewStatus; count: number; pastSla: number; oldestOpenedAt?: string }[]>;
}

interface CaseRow {
  workflow_id: string;
  run_id: string;
  onboarding_id: string;
  status: ReviewCase['status'];
  reasons: string[];
  opened_at: Date;
  sla_due_at: Date;
  expires_at: Date;
  claim: CaseClaim | null;
  first_approval: Approval | null;
  second_approval_required: boolean;
  version: number;
}

const iso = (value: Date | string) => new Date(value).toISOString();

function fromRow(row: CaseRow): ReviewCase {
  return {
    onboardingId: row.onboarding_id,
    workflowId: row.workflow_id,
    runId: row.run_id,
    status: row.status,
    reasons: row.reasons,
    openedAt: iso(row.opened_at),
    slaDueAt: iso(row.sla_due_at),
    expiresAt: iso(row.expires_at),
    ...(row.claim ? { claim: row.claim } : {}),
    ...(row.first_approval ? { firstApproval: row.first_approval } : {}),
    secondApprovalRequired: row.second_approval_required,
    version: row.version,
  };
}

export function reviewQueue(sql: Sql): ReviewQueue {
  return {
    async syncReviewCase(c) {
      await sql.transaction(async (tx) => {
        const { rows } = await tx.query(
          `INSERT INTO review_cases
           (workflow_id, run_id, onboarding_id, status, reasons, opened_at, sla_due_at, expires_at, claim,
            first_approval, second_approval_required, version, updated_at)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9::jsonb, $10::jsonb, $11, $12, now())
         ON CONFLICT (workflow_id, run_id) DO UPDATE SET
           status = excluded.status, reasons = excluded.reasons, opened_at = excluded.opened_at,
           sla_due_at = excluded.sla_due_at, expires_at = excluded.expires_at, claim = excluded.claim,
           first_approval = excluded.first_approval, second_approval_required = excluded.second_approval_required,
           version = excluded.version, updated_at = now()
         WHERE review_cases.version < excluded.version
         RETURNING version`,
          [
            c.workflowId,
            c.runId,
            c.onboardingId,
            c.status,
            storableJson(c.reasons),
            c.openedAt,
            c.slaDueAt,
            c.expiresAt,
            c.claim ? storableJson(c.claim) : null,
            c.firstApproval ? storableJson(c.firstApproval) : null,
            c.secondApprovalRequired,
            c.version,
          ],
        );
        // The first review status a run's row takes sends it to review; the entry's ID is the run's.
        if (rows.length === 1 && SENT_TO_REVIEW_STATUSES.includes(c.status)) {
          await feedLedger(tx, sentToReviewEntry(c));
        }
      });
    },

    async listReviewCases({ statuses, limit, after, filter = {} }) {
      const { rows } = await sql.query<CaseRow>(
        `SELECT * FROM review_cases
          WHERE status = ANY($1::text[])
            AND ($2::timestamptz IS NULL OR (opened_at, onboarding_id) > ($2::timestamptz, $3::text))
            AND ($5::text IS NULL OR reasons @> jsonb_build_array($5::text))
            AND (NOT $6::boolean OR sla_due_at < now())
            AND ($7::text IS NULL OR (claim->>'reviewer' = $7 AND (claim->>'expiresAt')::timestamptz > now()))
            AND ($8::text IS NULL OR onboarding_id = $8)
          ORDER BY opened_at, onboarding_id
          LIMIT $4`,
        [
          statuses,
          after?.openedAt ?? null,
          after?.onboardingId ?? '',
          limit + 1,
          filter.reason ?? null,
          filter.slaBreached ?? false,
          filter.heldBy ?? null,
          filter.onboardingId ?? null,
        ],
      );
      const items = rows.slice(0, limit).map(fromRow);
      const last = items.at(-1);
      return {
        items,
        ...(rows.length > limit && last ? { after: { openedAt: last.openedAt, onboardingId: last.onboardingId } } : {}),
      };
    },

    async reviewCaseFor(onboardingId) {
      const { rows } = await sql.query<CaseRow>(
        'SELECT * FROM review_cases WHERE onboarding_id = $1 ORDER BY opened_at DESC LIMIT 1',
        [onboardingId],
      );
      return rows[0] ? fromRow(rows[0]) : undefined;
    },

    async reviewQueueDepth() {
      const { rows } = await sql.query<{
        status: ReviewStatus;
        count: string | number;
        past_sla: string | number;
        oldest: Date | null;
      }>(
        `SELECT status, count(*) AS count, count(*) FILTER (WHERE sla_due_at < now()) AS past_sla,
                min(opened_at) AS oldest
           FROM review_cases WHERE status = ANY($1::text[]) GROUP BY status`,
        [REVIEW_STATUSES],
      );
      return REVIEW_STATUSES.map((status) => {
        const row = rows.find((r) => r.status === status);
        return {
          status,
          count: row ? Number(row.count) : 0,
          pastSla: row ? Number(row.past_sla) : 0,
          ...(row?.oldest ? { oldestOpenedAt: iso(row.oldest) } : {}),
        };
      });
    },
  };
}
