/**
 * The review desk, inside the workflow: claims, four-eyes, decisions by Update and by signal, each
 * checked the same way whatever sent it, and each accepted action written to the audit trail and
 * the review queue (`docs/console.md`). Workflow code: deterministic, no Node.
 */
import { condition, patched, proxyActivities, setHandler, type ActivityOptions } from '@temporalio/workflow';
import type { OnboardingActivities } from '../activities/onboarding-activities';
import { describeZodError } from '../complycube/primitives';
import {
  claimCaseUpdate,
  claimRequestSchema,
  FINAL_STATUSES,
  HANDLER_DESCRIPTIONS,
  parseDuration,
  releaseCaseUpdate,
  REVIEW_STATUSES,
  reviewDecisionSchema,
  reviewDecisionSignal,
  reviewUpdateSchema,
  submitReviewUpdate,
  syncReviewCaseUpdate,
  type Approval,
  type OnboardingPolicy,
  type OnboardingState,
  type OnboardingStatus,
  type ReviewAction,
  type ReviewChannel,
  type ReviewEntry,
  type TimelineEntry,
} from './onboarding-contract';

/**
 * Since 0.3.0 the workflow keeps the audit trail and the review queue when a review opens,
 * escalates or is decided: points that runs started earlier have already passed without it.
 */
export const REVIEW_CASE_TRACKING = 'review-case-tracking';

/** Refused review messages kept in the state, newest last; older ones are only counted. */
const REFUSED_REVIEWS_KEPT = 10;

/** A decision that ends the review: the main flow turns it into the decision record. */
export interface FinalReview {
  decision: 'approve' | 'reject';
  reviewer: string;
  reason: string;
  channel: ReviewChannel;
  asserted: boolean;
  approvals: Approval[];
}

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
  recordDecided(action?: Omit<ReviewAction, 'id' | 'onboardingId' | 'workflowId' | 'runId' | 'at'>): Promise<void>;
  /** Everything the desk wrote has been written. */
  settled(): Promise<void>;
}

export function openReviewDesk({ state, policy, setStatus, step }: ReviewDeskContext): ReviewDesk {
  const storeWrite: ActivityOptions = {
    startToCloseTimeout: parseDuration(policy.callTimeout),
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
  };
  const { recordReviewAction: recordAction } = proxyActivities<OnboardingActivities>(storeWrite);
  const { syncReviewCase } = proxyActivities<OnboardingActivities>({
    ...storeWrite,
    summary: 'update the review queue',
  });
  /** Each audit row's activity says what it records, in the Temporal UI's timeline. */
  const recordReviewAction = (action: ReviewAction) =>
    recordAction.executeWithOptions({ ...storeWrite, summary: `audit trail: ${action.kind.replace('_', ' ')}` }, [
      action,
    ]);
  let final: FinalReview | undefined;
  /** The decided case is off the queue and a reviewer's decision is on the audit trail. */
  let decidedRecorded = false;
  let actionSeq = 0;
  let caseVersion = 0;
  /** Queue rows go out one after another, so they arrive in order (the store also keeps the newest). */
  let queueWrites: Promise<void> = Promise.resolve();
  const writes: Promise<void>[] = [];

  /** Whether this point writes the trail and the queue: always for new runs and new events (see REVIEW_CASE_TRACKING). */
  const tracking = () => patched(REVIEW_CASE_TRACKING);

  /**
   * Writes never fail the handler or the run: the activities retry until they succeed, and only a
   * cancellation (the onboarding withdrawn) stops one, when the withdrawal is what is recorded.
   */
  const audit = (action: Omit<ReviewAction, 'id' | 'onboardingId' | 'workflowId' | 'runId' | 'at'>) => {
    actionSeq += 1;
    const written = recordReviewAction({
      id: `${state.runId}:${actionSeq}`,
      onboardingId: state.onboardingId,
      workflowId: state.workflowId,
      runId: state.runId,
      at: new Date().toISOString(),
      ...action,
    }).catch(() => undefined);
    writes.push(written);
    return written;
  };

  const syncQueue = () => {
    caseVersion += 1;
    const snapshot = {
      onboardingId: state.onboardingId,
      workflowId: state.workflowId,
      runId: state.runId,
      status: state.status,
      reasons: state.reviewReasons,
      openedAt: state.reviewOpenedAt ?? state.startedAt,
      slaDueAt: state.reviewEscalatesAt ?? state.startedAt,
      expiresAt: state.reviewExpiresAt ?? state.startedAt,
      ...(state.claim ? { claim: state.claim } : {}),
      ...(state.firstApproval ? { firstApproval: state.firstApproval } : {}),
      secondApprovalRequired: state.secondApprovalRequired ?? false,
      version: caseVersion,
    };
    const written = queueWrites.then(() => syncReviewCase(snapshot)).catch(() => undefined);
    queueWrites = written;
    writes.push(written);
    return written;
  };

  const claimActive = () => state.claim !== undefined && Date.parse(state.claim.expiresAt) > Date.now();

  /** Why a decision would change nothing, or undefined when it can be accepted. */
  const decisionProblem = (reviewer: string, decision: 'approve' | 'reject', channel: ReviewChannel) => {
    if (channel === 'signal' && policy.signalDecisions === 'refused') return 'signal_decisions_refused';
    if (final || FINAL_STATUSES.includes(state.status)) return 'already_decided';
    if (!(REVIEW_STATUSES as readonly string[]).includes(state.status)) return 'review_not_due';
    if (claimActive() && state.claim!.reviewer !== reviewer) return 'claimed_by_other';
    if (decision === 'approve' && state.firstApproval?.reviewer === reviewer) return 'second_approval_by_same_reviewer';
    return undefined;
  };

  const recordMessage = (raw: unknown, via: ReviewEntry['via'], rejection: string | undefined) => {
    const fields = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const text = (value: unknown, max: number) => (typeof value === 'string' ? value.slice(0, max) : undefined);
    state.reviews.push({
      at: new Date().toISOString(),
      via,
      accepted: rejection === undefined,
      ...(text(fields.decision, 20) !== undefined ? { decision: text(fields.decision, 20) } : {}),
      ...(text(fields.reviewer, 200) !== undefined ? { reviewer: text(fields.reviewer, 200) } : {}),
      ...(text(fields.reason, 2000) !== undefined ? { reason: text(fields.reason, 2000) } : {}),
      ...(rejection ? { rejection } : {}),
    });
    if (rejection === undefined) return;
    // A stream of bad messages must not grow the state without limit: count them all, keep the last few.
    state.refusedReviews += 1;
    if (state.reviews.filter((entry) => !entry.accepted).length > REFUSED_REVIEWS_KEPT) {
      state.reviews.splice(
        state.reviews.findIndex((entry) => !entry.accepted),
        1,
      );
    }
  };

  /**
   * Takes an accepted decision: the end of the review, or, when the case needs two reviewers and
   * this is the first approval, the first of two. Returns whether it ended the review.
   */
  const accept = (
    review: { decision: 'approve' | 'reject'; reviewer: string; reason: string },
    channel: ReviewChannel,
  ): boolean => {
    const approval: Approval = {
      reviewer: review.reviewer,
      channel,
      asserted: channel === 'signal',
      reason: review.reason,
      at: new Date().toISOString(),
    };
    if (review.decision === 'approve' && state.secondApprovalRequired && !state.firstApproval) {
      state.firstApproval = approval;
      delete state.claim;
      setStatus('awaiting_second_approval');
      step('first_approval', `${review.reviewer} (${channel})`);
      return false;
    }
    final = {
      ...review,
      channel,
      asserted: channel === 'signal',
      approvals: [
        ...(state.firstApproval ? [state.firstApproval] : []),
        ...(review.decision === 'approve' ? [approval] : []),
      ],
    };
    return true;
  };

  setHandler(
    reviewDecisionSignal,
    async (raw) => {
      const review = reviewDecisionSchema.safeParse(raw);
      const problem = review.success
        ? decisionProblem(review.data.reviewer, review.data.decision, 'signal')
        : `invalid_payload: ${describeZodError(review.error)}`;
      recordMessage(raw, 'signal', problem);
      if (problem || !review.success) {
        if (tracking()) {
          const fields = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
          await audit({
            kind: 'refused',
            actor: typeof fields.reviewer === 'string' ? fields.reviewer.slice(0, 200) : '(unnamed)',
            channel: 'signal',
            authenticated: false,
            refusal: problem ?? 'invalid_payload',
          });
        }
        return;
      }
      const ended = accept(review.data, 'signal');
      if (!ended && tracking()) {
        await Promise.all([
          audit({
            kind: 'first_approval',
            actor: review.data.reviewer,
            channel: 'signal',
            authenticated: false,
            decision: 'approve',
            reason: review.data.reason,
          }),
          syncQueue(),
        ]);
      }
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
      if (tracking()) {
        await Promise.all([
          audit({
            kind: 'first_approval',
            actor: review.reviewer,
            channel,
            authenticated: true,
            decision: 'approve',
            reason: review.reason,
          }),
          syncQueue(),
        ]);
      }
      return state;
    },
    {
      validator: (raw) => {
        const review = reviewUpdateSchema.safeParse(raw);
        if (!review.success) throw new Error(`invalid_payload: ${describeZodError(review.error)}`);
        const problem = decisionProblem(review.data.reviewer, review.data.decision, review.data.channel);
        if (problem) throw new Error(problem);
      },
      description: HANDLER_DESCRIPTIONS.submitReview,
    },
  );

  setHandler(
    claimCaseUpdate,
    async (raw) => {
      const { reviewer, channel } = claimRequestSchema.parse(raw);
      const renewed = claimActive() && state.claim!.reviewer === reviewer;
      const now = Date.now();
      state.claim = {
        reviewer,
        channel,
        claimedAt: renewed ? state.claim!.claimedAt : new Date(now).toISOString(),
        expiresAt: new Date(now + parseDuration(policy.claimLease)).toISOString(),
      };
      step('claimed', `${reviewer} (${channel})${renewed ? ', renewed' : ''}`);
      if (tracking()) {
        await Promise.all([audit({ kind: 'claim', actor: reviewer, channel, authenticated: true }), syncQueue()]);
      }
      return state;
    },
    {
      validator: (raw) => {
        const claim = claimRequestSchema.safeParse(raw);
        if (!claim.success) throw new Error(`invalid_payload: ${describeZodError(claim.error)}`);
        if (final || FINAL_STATUSES.includes(state.status)) throw new Error('already_decided');
        if (!(REVIEW_STATUSES as readonly string[]).includes(state.status)) throw new Error('review_not_due');
        if (claimActive() && state.claim!.reviewer !== claim.data.reviewer) throw new Error('claimed_by_other');
      },
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
        await Promise.all([audit({ kind: 'release', actor: reviewer, channel, authenticated: true }), syncQueue()]);
      }
      return state;
    },
    {
      validator: (raw) => {
        const release = claimRequestSchema.safeParse(raw);
        if (!release.success) throw new Error(`invalid_payload: ${describeZodError(release.error)}`);
        if (!claimActive() || state.claim!.reviewer !== release.data.reviewer) throw new Error('not_claimed_by_you');
      },
      description: HANDLER_DESCRIPTIONS.releaseCase,
    },
  );

  setHandler(
    syncReviewCaseUpdate,
    async () => {
      await syncQueue();
      return state;
    },
    {
      validator: () => {
        if (!(REVIEW_STATUSES as readonly string[]).includes(state.status) || final) throw new Error('review_not_due');
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
      if (tracking()) void syncQueue();
    },
    escalate() {
      state.escalated = true;
      // A case waiting for its second approval keeps saying so; the queue shows it overdue.
      if (!state.firstApproval) setStatus('escalated');
      step('escalated');
      if (tracking()) void syncQueue();
    },
    async recordDecided(action) {
      if (tracking()) await Promise.all([...(action ? [audit(action)] : []), syncQueue()]);
      decidedRecorded = true;
    },
    async settled() {
      await Promise.all(writes);
    },
  };
}
