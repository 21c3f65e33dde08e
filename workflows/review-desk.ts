/**
 * The review desk, inside the workflow: claims, four-eyes, decisions by Update and by signal, each
 * weighed by the same rules (`review-rules.ts`) whatever sent it, and each accepted action written
 * to the audit trail and the review queue (`review-writes.ts`). Workflow code: deterministic, no Node.
 */
import { condition, patched, setHandler } from '@temporalio/workflow';
import {
  claimCaseUpdate,
  HANDLER_DESCRIPTIONS,
  parseDuration,
  releaseCaseUpdate,
  reviewDecisionSignal,
  reviewUpdateSchema,
  claimRequestSchema,
  submitReviewUpdate,
  syncReviewCaseUpdate,
  type OnboardingPolicy,
  type OnboardingState,
  type OnboardingStatus,
  type ReviewChannel,
  type ReviewDecision,
  type ReviewEntry,
  type TimelineEntry,
} from './onboarding-contract';
import {
  claimChange,
  decisionChange,
  syncRefusal,
  weighClaim,
  weighRelease,
  weighSignalDecision,
  weighUpdateDecision,
  type DeskView,
  type FinalReview,
  type Verdict,
} from './review-rules';
import { refusedActor, reviewEntry, withReviewEntry } from './review-history';
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
  /** The case enters review: reasons, deadlines, and whether approving it takes two reviewers. */
  open(reasons: string[], secondApprovalRequired: boolean): void;
  /** The review SLA has passed. */
  escalate(): void;
  /** The queue row of the decided case, and the audit row of a reviewer's decision. */
  recordDecided(action?: AuditEntry): Promise<void>;
  /** Everything the desk wrote has been written. */
  settled(): Promise<void>;
}

/** A refused Update never reaches the workflow: its validator throws the refusal message. */
function orThrow<T>(verdict: Verdict<T>): void {
  if (!verdict.accepted) throw new Error(verdict.message);
}

export function openReviewDesk({ state, policy, setStatus, step }: ReviewDeskContext): ReviewDesk {
  const writes = reviewWrites(state, policy);
  let final: FinalReview | undefined;
  /** The decided case is off the queue and a reviewer's decision is on the audit trail. */
  let decidedRecorded = false;

  /** Whether this point writes the trail and the queue: always for new runs and new events (see REVIEW_CASE_TRACKING). */
  const tracking = () => patched(REVIEW_CASE_TRACKING);
  const view = (): DeskView => ({
    status: state.status,
    claim: state.claim,
    firstApproval: state.firstApproval,
    secondApprovalRequired: state.secondApprovalRequired,
    decided: final !== undefined,
  });

  const recordMessage = (raw: unknown, via: ReviewEntry['via'], rejection: string | undefined) => {
    state.reviews = withReviewEntry(state.reviews, reviewEntry(raw, via, rejection, Date.now()));
    if (rejection !== undefined) state.refusedReviews += 1;
  };

  /** Takes an accepted decision; returns whether it ended the review (not a first of two approvals). */
  const accept = (review: Pick<ReviewDecision, 'decision' | 'reviewer' | 'reason'>, channel: ReviewChannel) => {
    const change = decisionChange(view(), review, channel, Date.now());
    if (change.kind === 'final') {
      final = change.final;
      return true;
    }
    state.firstApproval = change.approval;
    delete state.claim;
    setStatus('awaiting_second_approval');
    step('first_approval', `${review.reviewer} (${channel})`);
    return false;
  };

  const recordFirstApproval = (reviewer: string, channel: ReviewChannel, reason: string) =>
    Promise.all([
      writes.audit({
        kind: 'first_approval',
        actor: reviewer,
        channel,
        authenticated: channel !== 'signal',
        decision: 'approve',
        reason,
      }),
      writes.syncQueue(),
    ]);

  setHandler(
    reviewDecisionSignal,
    async (raw) => {
      const verdict = weighSignalDecision(view(), raw, policy, Date.now());
      recordMessage(raw, 'signal', verdict.accepted ? undefined : verdict.message);
      if (!verdict.accepted) {
        if (tracking()) {
          await writes.audit({
            kind: 'refused',
            actor: refusedActor(raw),
            channel: 'signal',
            authenticated: false,
            refusal: verdict.refusal,
          });
        }
        return;
      }
      const ended = accept(verdict.value, 'signal');
      if (!ended && tracking()) await recordFirstApproval(verdict.value.reviewer, 'signal', verdict.value.reason);
    },
    { description: HANDLER_DESCRIPTIONS.reviewDecision },
  );

  setHandler(
    submitReviewUpdate,
    async (raw) => {
      const review = reviewUpdateSchema.parse(raw);
      // Since 0.3.0 the answer waits for the decision's audit row too (runs before it did not write one).
      const answerAfterTrail = tracking();
      recordMessage(raw, 'update', undefined);
      const { channel, ...decision } = review;
      if (accept(decision, channel)) {
        // Answer with the state once the decision is recorded, so the caller sees the outcome.
        await condition(() => state.decision !== undefined && (!answerAfterTrail || decidedRecorded));
        return state;
      }
      if (tracking()) await recordFirstApproval(review.reviewer, channel, review.reason);
      return state;
    },
    {
      validator: (raw) => orThrow(weighUpdateDecision(view(), raw, policy, Date.now())),
      description: HANDLER_DESCRIPTIONS.submitReview,
    },
  );

  setHandler(
    claimCaseUpdate,
    async (raw) => {
      const request = claimRequestSchema.parse(raw);
      const { claim, renewed } = claimChange(view(), request, parseDuration(policy.claimLease), Date.now());
      state.claim = claim;
      step('claimed', `${request.reviewer} (${request.channel})${renewed ? ', renewed' : ''}`);
      if (tracking()) {
        await Promise.all([
          writes.audit({ kind: 'claim', actor: request.reviewer, channel: request.channel, authenticated: true }),
          writes.syncQueue(),
        ]);
      }
      return state;
    },
    {
      validator: (raw) => orThrow(weighClaim(view(), raw, Date.now())),
      description: HANDLER_DESCRIPTIONS.claimCase,
    },
  );

  setHandler(
    releaseCaseUpdate,
    async (raw) => {
      const { reviewer, channel } = claimRequestSchema.parse(raw);
      delete state.claim;
      step('released', `${reviewer} (${channel})`);
      if (tracking()) {
        await Promise.all([
          writes.audit({ kind: 'release', actor: reviewer, channel, authenticated: true }),
          writes.syncQueue(),
        ]);
      }
      return state;
    },
    {
      validator: (raw) => orThrow(weighRelease(view(), raw, Date.now())),
      description: HANDLER_DESCRIPTIONS.releaseCase,
    },
  );

  setHandler(
    syncReviewCaseUpdate,
    async () => {
      await writes.syncQueue();
      return state;
    },
    {
      validator: () => {
        const refusal = syncRefusal(view());
        if (refusal) throw new Error(refusal);
      },
      description: HANDLER_DESCRIPTIONS.syncReviewCase,
    },
  );

  return {
    get final() {
      return final;
    },
    open(reasons, secondApprovalRequired) {
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
    async recordDecided(action) {
      if (tracking()) await Promise.all([...(action ? [writes.audit(action)] : []), writes.syncQueue()]);
      decidedRecorded = true;
    },
    settled: () => writes.settled(),
  };
}
