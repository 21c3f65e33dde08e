/**
 * The review desk, inside the workflow: claims, four-eyes, decisions by Update and by signal, each
 * weighed by the same rules (`review-rules.ts`) whatever sent it, and each accepted action written
 * to the audit trail and the review queue (`review-writes.ts`); its handlers are in
 * `review-handlers.ts`. Workflow code: deterministic, no Node.
 */
import { patched } from '@temporalio/workflow';
import {
  parseDuration,
  type OnboardingPolicy,
  type OnboardingState,
  type OnboardingStatus,
  type ResubmissionRequest,
  type TimelineEntry,
} from './onboarding-contract';
import { handleClaims } from './claim-handlers';
import { handleDecisions, type DeskCore } from './review-handlers';
import { reviewEntry, withReviewEntry } from './review-history';
import { decisionChange, type DeskView, type FinalReview } from './review-rules';
import { reviewWrites, type AuditEntry } from './review-writes';

export type { FinalReview } from './review-rules';

/**
 * Since 0.3.0 the workflow keeps the audit trail and the review queue when a review opens,
 * escalates or is decided: points that runs started earlier have already passed without it.
 */
export const REVIEW_CASE_TRACKING = 'review-case-tracking';

export interface ReviewDeskContext {
  state: OnboardingState;
  policy: OnboardingPolicy;
  setStatus: (status: OnboardingStatus) => void;
  /** A line on the case's timeline (and fresh current details). */
  step: (kind: TimelineEntry['kind'], detail?: string) => void;
}

export interface ReviewDesk {
  /** The decision that ends the review, once one is accepted. */
  readonly final: FinalReview | undefined;
  /** A resubmission request that ended this round of review, until the run takes it. */
  readonly resubmission: ResubmissionRequest | undefined;
  /** The run takes the request: the desk is ready for the next round. */
  takeResubmission(): ResubmissionRequest | undefined;
  /** The case enters review: reasons, deadlines, and whether approving it takes two reviewers. */
  open(reasons: string[], secondApprovalRequired: boolean): void;
  /** The review SLA has passed. */
  escalate(): void;
  /** The round of review is over: no resubmission may be asked of it any more (its outcome is being recorded). */
  close(): void;
  /** The queue row of the decided case, and the audit row of a reviewer's decision. */
  recordDecided(action?: AuditEntry): Promise<void>;
  /** Everything the desk wrote has been written. */
  settled(): Promise<void>;
}

export function openReviewDesk({ state, policy, setStatus, step }: ReviewDeskContext): ReviewDesk {
  const writes = reviewWrites(state, policy);
  let final: FinalReview | undefined;
  let resubmission: ResubmissionRequest | undefined;
  let closed = false;
  let decidedRecorded = false;

  /** Whether this point writes the trail and the queue: always for new runs and new events (see REVIEW_CASE_TRACKING). */
  const tracking = () => patched(REVIEW_CASE_TRACKING);
  const view = (): DeskView => ({
    status: state.status,
    claim: state.claim,
    firstApproval: state.firstApproval,
    secondApprovalRequired: state.secondApprovalRequired,
    decided: final !== undefined,
    closed,
    resubmissionRounds: state.resubmissionRounds,
  });

  const core: DeskCore = {
    state,
    policy,
    writes,
    get decidedRecorded() {
      return decidedRecorded;
    },
    step,
    tracking,
    view,
    recordMessage(raw, via, rejection) {
      state.reviews = withReviewEntry(state.reviews, reviewEntry(raw, via, rejection, Date.now()));
      if (rejection !== undefined) state.refusedReviews += 1;
    },
    accept(review, channel, identity) {
      const change = decisionChange(view(), review, channel, Date.now(), identity);
      if (change.kind === 'final') {
        final = change.final;
        return true;
      }
      state.firstApproval = change.approval;
      delete state.claim;
      setStatus('awaiting_second_approval');
      step('first_approval', `${review.reviewer} (${channel})`);
      return false;
    },
    requestResubmission({ ask, reviewer, channel, note }) {
      const now = Date.now();
      const round = (state.resubmissionRounds ?? 0) + 1;
      resubmission = {
        ...ask,
        round,
        requestedBy: reviewer,
        channel,
        note,
        requestedAt: new Date(now).toISOString(),
        dueAt: new Date(now + parseDuration(policy.resubmissionDeadline)).toISOString(),
      };
      state.resubmissionRounds = round;
      state.resubmission = resubmission;
      delete state.claim;
      delete state.firstApproval;
      delete state.escalated;
      // The review's deadlines are this round's; the next round sets its own.
      delete state.reviewEscalatesAt;
      delete state.reviewExpiresAt;
      setStatus('awaiting_resubmission');
      step('resubmission_requested', `${ask.items.join(' and ')} by ${reviewer} (${ask.reasonCodes.join(', ')})`);
      return Promise.all([
        writes.audit({
          kind: 'resubmission_requested',
          actor: reviewer,
          channel,
          authenticated: true,
          decision: 'request_resubmission',
          reason: note,
          resubmission: ask,
        }),
        writes.syncQueue(),
      ]);
    },
    recordFirstApproval: (reviewer, channel, reason, authenticated, reasonCodes) =>
      Promise.all([
        writes.audit({
          kind: 'first_approval',
          actor: reviewer,
          channel,
          authenticated,
          decision: 'approve',
          reason,
          ...(reasonCodes ? { reasonCodes } : {}),
        }),
        writes.syncQueue(),
      ]),
  };
  handleDecisions(core);
  handleClaims(core);

  return {
    get final() {
      return final;
    },
    get resubmission() {
      return resubmission;
    },
    takeResubmission() {
      const taken = resubmission;
      resubmission = undefined;
      return taken;
    },
    open(reasons, secondApprovalRequired) {
      closed = false;
      const openedAt = Date.now();
      state.reviewReasons = reasons;
      state.reviewOpenedAt = new Date(openedAt).toISOString();
      state.reviewEscalatesAt = new Date(openedAt + parseDuration(policy.reviewSla)).toISOString();
      state.reviewExpiresAt = new Date(openedAt + parseDuration(policy.reviewExpiry)).toISOString();
      state.secondApprovalRequired = secondApprovalRequired;
      setStatus('awaiting_review');
      step('review_opened', reasons.join(', '));
      if (tracking()) void writes.syncQueue();
    },
    escalate() {
      state.escalated = true;
      // A case waiting for its second approval keeps saying so; the queue shows it overdue.
      if (!state.firstApproval) setStatus('escalated');
      step('escalated');
      if (tracking()) void writes.syncQueue();
    },
    close() {
      closed = true;
    },
    async recordDecided(action) {
      if (tracking()) await Promise.all([...(action ? [writes.audit(action)] : []), writes.syncQueue()]);
      decidedRecorded = true;
    },
    settled: () => writes.settled(),
  };
}
