/**
 * The review desk's message handlers: decisions (by signal and by Update), claims, releases and
 * queue syncs. Each weighs its message by the review rules, refuses it with the rule's message,
 * or applies the change and writes it to the trail and the queue. Workflow code: no Node.
 */
import { condition, setHandler } from '@temporalio/workflow';
import {
  claimCaseUpdate,
  claimRequestSchema,
  HANDLER_DESCRIPTIONS,
  parseDuration,
  releaseCaseUpdate,
  reviewDecisionSignal,
  reviewUpdateSchema,
  submitReviewUpdate,
  syncReviewCaseUpdate,
  type OnboardingPolicy,
  type OnboardingState,
  type ReviewChannel,
  type ReviewDecision,
  type ReviewEntry,
  type TimelineEntry,
} from './onboarding-contract';
import { refusedActor } from './review-history';
import {
  claimChange,
  syncRefusal,
  weighClaim,
  weighRelease,
  weighSignalDecision,
  weighUpdateDecision,
  type DeskView,
  type Verdict,
} from './review-rules';
import type { ReviewWrites } from './review-writes';

/** What the handlers share with the desk that sets them. */
export interface DeskCore {
  state: OnboardingState;
  policy: OnboardingPolicy;
  writes: ReviewWrites;
  /** The decided case is off the queue and a reviewer's decision is on the audit trail. */
  readonly decidedRecorded: boolean;
  step: (kind: TimelineEntry['kind'], detail?: string) => void;
  /** Whether this point writes the trail and the queue (see REVIEW_CASE_TRACKING). */
  tracking: () => boolean;
  view: () => DeskView;
  /** Keeps a review message in the state's history, counted when refused. */
  recordMessage: (raw: unknown, via: ReviewEntry['via'], rejection: string | undefined) => void;
  /** Takes an accepted decision; returns whether it ended the review (not a first of two approvals). */
  accept: (review: Pick<ReviewDecision, 'decision' | 'reviewer' | 'reason'>, channel: ReviewChannel) => boolean;
  /** The audit row and queue version of a first approval. */
  recordFirstApproval: (reviewer: string, channel: ReviewChannel, reason: string) => Promise<unknown>;
}

/** A refused Update never reaches the workflow: its validator throws the refusal message. */
function orThrow<T>(verdict: Verdict<T>): void {
  if (!verdict.accepted) throw new Error(verdict.message);
}

/** A reviewer's decision, by signal (name asserted) or by Update (name authenticated). */
export function handleDecisions(desk: DeskCore): void {
  setHandler(
    reviewDecisionSignal,
    async (raw) => {
      const verdict = weighSignalDecision(desk.view(), raw, desk.policy, Date.now());
      desk.recordMessage(raw, 'signal', verdict.accepted ? undefined : verdict.message);
      if (!verdict.accepted) {
        if (desk.tracking()) {
          await desk.writes.audit({
            kind: 'refused',
            actor: refusedActor(raw),
            channel: 'signal',
            authenticated: false,
            refusal: verdict.refusal,
          });
        }
        return;
      }
      const ended = desk.accept(verdict.value, 'signal');
      if (!ended && desk.tracking()) {
        await desk.recordFirstApproval(verdict.value.reviewer, 'signal', verdict.value.reason);
      }
    },
    { description: HANDLER_DESCRIPTIONS.reviewDecision },
  );

  setHandler(
    submitReviewUpdate,
    async (raw) => {
      const review = reviewUpdateSchema.parse(raw);
      // Since 0.3.0 the answer waits for the decision's audit row too (runs before it did not write one).
      const answerAfterTrail = desk.tracking();
      desk.recordMessage(raw, 'update', undefined);
      const { channel, ...decision } = review;
      if (desk.accept(decision, channel)) {
        // Answer with the state once the decision is recorded, so the caller sees the outcome.
        await condition(() => desk.state.decision !== undefined && (!answerAfterTrail || desk.decidedRecorded));
        return desk.state;
      }
      if (desk.tracking()) await desk.recordFirstApproval(review.reviewer, channel, review.reason);
      return desk.state;
    },
    {
      validator: (raw) => orThrow(weighUpdateDecision(desk.view(), raw, desk.policy, Date.now())),
      description: HANDLER_DESCRIPTIONS.submitReview,
    },
  );
}

/** Claims, releases, and writing the case to the queue again. */
export function handleClaims(desk: DeskCore): void {
  setHandler(
    claimCaseUpdate,
    async (raw) => {
      const request = claimRequestSchema.parse(raw);
      const { claim, renewed } = claimChange(desk.view(), request, parseDuration(desk.policy.claimLease), Date.now());
      desk.state.claim = claim;
      desk.step('claimed', `${request.reviewer} (${request.channel})${renewed ? ', renewed' : ''}`);
      if (desk.tracking()) {
        await Promise.all([
          desk.writes.audit({ kind: 'claim', actor: request.reviewer, channel: request.channel, authenticated: true }),
          desk.writes.syncQueue(),
        ]);
      }
      return desk.state;
    },
    {
      validator: (raw) => orThrow(weighClaim(desk.view(), raw, Date.now())),
      description: HANDLER_DESCRIPTIONS.claimCase,
    },
  );

  setHandler(
    releaseCaseUpdate,
    async (raw) => {
      const { reviewer, channel } = claimRequestSchema.parse(raw);
      delete desk.state.claim;
      desk.step('released', `${reviewer} (${channel})`);
      if (desk.tracking()) {
        await Promise.all([
          desk.writes.audit({ kind: 'release', actor: reviewer, channel, authenticated: true }),
          desk.writes.syncQueue(),
        ]);
      }
      return desk.state;
    },
    {
      validator: (raw) => orThrow(weighRelease(desk.view(), raw, Date.now())),
      description: HANDLER_DESCRIPTIONS.releaseCase,
    },
  );

  setHandler(
    syncReviewCaseUpdate,
    async () => {
      await desk.writes.syncQueue();
      return desk.state;
    },
    {
      validator: () => {
        const refusal = syncRefusal(desk.view());
        if (refusal) throw new Error(refusal);
      },
      description: HANDLER_DESCRIPTIONS.syncReviewCase,
    },
  );
}
