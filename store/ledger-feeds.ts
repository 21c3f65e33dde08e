/**
 * What each store write puts on the ledger: the entry for a review action, a decision, a check,
 * a case sent to review and a security event. IDs, codes and outcomes only: never an applicant's
 * name, address, document or result detail; a reviewer's own reason is kept, being the record.
 * Each entry ID derives from the row it records, so that the row and its entry are written once.
 */
import type { ReviewAction, ReviewCase, OnboardingDecision } from '../workflows/onboarding-contract';
import type { CheckMapping } from './checks';
import type { NewLedgerEntry } from './ledger-hash';
import type { NewSecurityEvent } from './security-events';

/** Statuses that put a case on the review desk; the first of them for a run is `sent_to_review`. */
export const SENT_TO_REVIEW_STATUSES: readonly string[] = ['awaiting_review', 'escalated'];

/** Security-event details that may go on the ledger: codes, never a name, address or token. */
// `part` since 0.9.0: which part of an applicant was viewed (no earlier event has it, so their hashes hold).
const SECURITY_DETAIL_KEYS = [
  'method',
  'reason',
  'roles',
  'retryAfterSeconds',
  'payloads',
  'namespace',
  'part',
] as const;

export function reviewActionEntry(a: ReviewAction): NewLedgerEntry {
  return {
    entryId: `review_action:${a.id}`,
    onboardingId: a.onboardingId,
    runId: a.runId || null,
    kind: a.kind,
    actor: a.actor,
    channel: a.channel,
    at: a.at,
    body: {
      reviewActionId: a.id,
      workflowId: a.workflowId,
      authenticated: a.authenticated,
      decision: a.decision ?? null,
      reason: a.reason ?? null,
      refusal: a.refusal ?? null,
      // Since 0.8.0: what a resubmission request asked for (absent from every other entry, so older hashes hold).
      ...(a.resubmission ? { resubmission: a.resubmission } : {}),
      // Since 0.9.0, likewise: a decision's reason codes, an assignment's assignee.
      ...(a.reasonCodes ? { reasonCodes: a.reasonCodes } : {}),
      ...(a.assignee !== undefined ? { assignee: a.assignee } : {}),
    },
  };
}

export function decisionEntry(d: OnboardingDecision): NewLedgerEntry {
  return {
    entryId: `decision:${d.workflowId}:${d.runId}`,
    onboardingId: d.onboardingId,
    runId: d.runId,
    kind: 'decision_recorded',
    actor: d.decidedBy,
    channel: d.channel ?? null,
    at: d.decidedAt,
    body: {
      workflowId: d.workflowId,
      decision: d.decision,
      decidedBy: d.decidedBy,
      decidedByKind: d.decidedByKind,
      reason: d.reason,
      verified: d.verified ?? false,
      reviewReasons: d.reviewReasons,
      checks: d.checks.map((c) => ({
        type: c.type,
        checkId: c.checkId ?? null,
        status: c.status,
        outcome: c.outcome ?? null,
      })),
      approvals: (d.approvals ?? []).map((a) => ({ reviewer: a.reviewer, channel: a.channel, asserted: a.asserted })),
      startedAt: d.startedAt,
      // Since 0.9.0, only when given, so earlier entries' hashes hold.
      ...(d.reasonCodes ? { reasonCodes: d.reasonCodes } : {}),
    },
  };
}

export function checkEntry(m: CheckMapping, at: Date): NewLedgerEntry {
  return {
    entryId: `check:${m.checkId}`,
    onboardingId: m.onboardingId,
    runId: m.runId,
    kind: 'check_created',
    actor: null,
    channel: null,
    at: at.toISOString(),
    body: { checkId: m.checkId, checkType: m.checkType, workflowId: m.workflowId },
  };
}

export function sentToReviewEntry(c: ReviewCase): NewLedgerEntry {
  return {
    entryId: `sent_to_review:${c.workflowId}:${c.runId}`,
    onboardingId: c.onboardingId,
    runId: c.runId,
    kind: 'sent_to_review',
    actor: null,
    channel: null,
    at: c.openedAt,
    body: {
      workflowId: c.workflowId,
      status: c.status,
      reviewReasons: c.reasons,
      slaDueAt: c.slaDueAt,
      expiresAt: c.expiresAt,
      secondApprovalRequired: c.secondApprovalRequired,
    },
  };
}

/** The client's address stays in `security_events` only: it is personal data, kept shorter. */
export function securityEventEntry(id: number, event: NewSecurityEvent, at: Date): NewLedgerEntry {
  const detail = event.detail ?? {};
  const kept = Object.fromEntries(SECURITY_DETAIL_KEYS.filter((key) => key in detail).map((k) => [k, detail[k]]));
  const onboardingId = typeof detail.onboardingId === 'string' ? detail.onboardingId : null;
  return {
    entryId: `security_event:${id}`,
    onboardingId,
    runId: null,
    kind: event.kind,
    actor: event.actor ?? null,
    channel: typeof detail.channel === 'string' ? detail.channel : null,
    at: at.toISOString(),
    body: { securityEventId: id, ...kept },
  };
}
