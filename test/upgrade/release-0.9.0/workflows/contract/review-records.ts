/**
 * The review desk's records: claims and approvals in the state, rows of the audit trail and of
 * the review queue, and each review message as it arrived.
 */
import type { ReviewChannel } from './payloads';
import type { ResubmissionAsk } from './resubmission';
import type { OnboardingStatus } from './workflow';

/** A reviewer's hold on a case, so that two reviewers do not work it at once. */
export interface CaseClaim {
  reviewer: string;
  channel: ReviewChannel;
  /** The worker checked the API's assertion for it (claims since 0.5.0). */
  verified?: boolean;
  claimedAt: string;
  /** It lapses then unless renewed; a lapsed claim holds nobody back. */
  expiresAt: string;
  /** The senior reviewer who assigned the case to `reviewer` (since 0.9.0); absent for a claim taken. */
  assignedBy?: string;
}

/** An approval on the record: the first of two (four-eyes), or the one that decided. */
export interface Approval {
  reviewer: string;
  channel: ReviewChannel;
  /** The reviewer's name was typed by the sender of a signal, not authenticated. */
  asserted: boolean;
  /** The worker checked the API's signed assertion for it (since 0.5.0); only these count toward four-eyes. */
  verified?: boolean;
  /** The reviewer's roles, as the assertion states them. */
  roles?: string[];
  reason: string;
  /** Codes from `decision-reasons.ts`, beside `reason` (since 0.9.0). */
  reasonCodes?: string[];
  at: string;
}

/** A review action on the audit trail: accepted or refused, by whom, through what, and why. */
export interface ReviewAction {
  /** Unique per run and step, so that a retried write keeps one row. */
  id: string;
  onboardingId: string;
  workflowId: string;
  runId: string;
  kind:
    'claim' | 'release' | 'first_approval' | 'decision' | 'resubmission_requested' | 'refused' | 'note' | 'assignment';
  actor: string;
  channel: ReviewChannel;
  /** False when the actor's name is only asserted: a signal, or an assertion the worker could not verify. */
  authenticated: boolean;
  decision?: 'approve' | 'reject' | 'request_resubmission';
  reason?: string;
  /** For `resubmission_requested`: what the applicant was asked for, and why (since 0.8.0). */
  resubmission?: ResubmissionAsk;
  /** For `refused`: why (`claimed_by_other`, `review_not_due`, …). */
  refusal?: string;
  /** For a decision or first approval: codes from `decision-reasons.ts`, beside `reason` (since 0.9.0). */
  reasonCodes?: string[];
  /** For `assignment`: the reviewer the case was assigned to (`actor` is the senior). */
  assignee?: string;
  at: string;
}

/** A case on the review desk, as the review queue keeps it. Newer versions replace older ones. */
export interface ReviewCase {
  onboardingId: string;
  workflowId: string;
  runId: string;
  /** A review status while on the desk; the final status once decided. */
  status: OnboardingStatus;
  reasons: string[];
  openedAt: string;
  slaDueAt: string;
  expiresAt: string;
  claim?: CaseClaim;
  firstApproval?: Approval;
  secondApprovalRequired: boolean;
  version: number;
}

/** One review message as it arrived, whether accepted or not. */
export interface ReviewEntry {
  at: string;
  via: 'signal' | 'update';
  accepted: boolean;
  decision?: string;
  reviewer?: string;
  reason?: string;
  /** Why it changed nothing: `invalid_payload: ...`, `review_not_due`, `already_decided`. */
  rejection?: string;
}
