/**
 * What a run knows and answers with: each check, the timeline, the decision record (the run's
 * result) and the state `getState` returns.
 */
import type { CheckOutcome, CheckType } from '../../../../../complycube/primitives';
import type { ReviewChannel } from './payloads';
import type { OnboardingPolicy } from './policy';
import type { Approval, CaseClaim, ReviewEntry } from './review-records';
import type { ResubmissionRequest } from './resubmission';
import type { OnboardingStatus } from './workflow';

/** Where one check stands in the workflow. `timed_out` and `error` are the workflow's own verdicts. */
export type CheckProgress = 'creating' | 'pending' | 'complete' | 'failed' | 'timed_out' | 'error';

/** One check as the workflow, the query and the decision record see it. */
export interface CheckState {
  type: CheckType;
  checkId?: string;
  status: CheckProgress;
  outcome?: CheckOutcome;
  attentionAnalyses: string[];
  /** For `error`: the failure type, e.g. `ComplyCubeNotFound`. */
  error?: string;
  /** For `error`: ComplyCube's answer, e.g. `422 image_unreadable (documentId)` (since 0.9.0). */
  errorDetail?: string;
  completedAt?: string;
}

/** One step of a case, for the reviewer's timeline. */
export interface TimelineEntry {
  at: string;
  kind:
    | 'started'
    | 'check_created'
    | 'check_completed'
    | 'webhook'
    | 'poll'
    | 'review_opened'
    | 'escalated'
    | 'claimed'
    | 'released'
    | 'first_approval'
    | 'resubmission_requested'
    | 'resubmitted'
    | 'decided';
  /** IDs and verdicts only: the check type, the check ID, the outcome, the reviewer. */
  detail?: string;
}

export type DecisionOutcome = 'approved' | 'rejected' | 'expired' | 'withdrawn';
export type DecidedByKind = 'automatic' | 'reviewer' | 'system';

/** The final decision: the workflow's result, and the row the decision store keeps. */
export interface OnboardingDecision {
  onboardingId: string;
  workflowId: string;
  runId: string;
  decision: DecisionOutcome;
  decidedByKind: DecidedByKind;
  /** `automatic`, the reviewer's identity, or `system`. */
  decidedBy: string;
  /** `all_checks_clear`, the reviewer's reason, `review_expired`, `resubmission_expired`, or `withdrawn`. */
  reason: string;
  /** Why the case went to review, if it did. */
  reviewReasons: string[];
  checks: CheckState[];
  startedAt: string;
  decidedAt: string;
  /** For a reviewer's decision: how it reached the workflow. */
  channel?: ReviewChannel;
  /** A reviewer's decision whose assertion the worker verified (since 0.5.0). */
  verified?: boolean;
  /** The reviewers who approved: the first of two, then the one who decided (four-eyes). */
  approvals?: Approval[];
  /** A reviewer's codes from `decision-reasons.ts`, beside `reason` (since 0.9.0). */
  reasonCodes?: string[];
}

/** What `getState` returns. */
export interface OnboardingState {
  onboardingId: string;
  workflowId: string;
  runId: string;
  status: OnboardingStatus;
  startedAt: string;
  checks: Record<CheckType, CheckState>;
  /** The timing policy this run was started with. */
  policy: OnboardingPolicy;
  reviewReasons: string[];
  reviewOpenedAt?: string;
  reviewEscalatesAt?: string;
  reviewExpiresAt?: string;
  /** Past the review SLA (kept while a first approval waits for its second). */
  escalated?: boolean;
  /** Whether an approval of this case takes two reviewers. */
  secondApprovalRequired?: boolean;
  claim?: CaseClaim;
  firstApproval?: Approval;
  /** The case's steps, oldest first (polls are counted, not listed, past a few). */
  timeline?: TimelineEntry[];
  /** Accepted review messages, and the most recent refused ones. */
  reviews: ReviewEntry[];
  /**
   * Review messages the workflow received and refused, including those no longer kept in
   * `reviews`. Updates refused by their validator never reach the workflow and are not counted.
   */
  refusedReviews: number;
  /** Completion notices that matched no check of this run, or repeated one already handled. */
  ignoredNotices: number;
  /** The resubmission asked of the applicant, while the run waits for it (since 0.8.0). */
  resubmission?: ResubmissionRequest;
  /** Resubmission rounds requested so far; the policy caps them. */
  resubmissionRounds?: number;
  /** Checks this run ran before a resubmission replaced them, oldest first: the evidence stays visible. */
  supersededChecks?: CheckState[];
  /** Outbound events this run has emitted: the last one's sequence number (since 0.8.0). */
  eventSequence?: number;
  decision?: OnboardingDecision;
}
