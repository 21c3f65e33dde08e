/**
 * The review desk's rules as plain functions: given the case as it stands, a message and the time,
 * whether the message is refused (and with which code from `review-refusals.ts`), or the change it
 * makes. The desk (`review-desk.ts`) applies them; `test/review-rules.test.ts` states them.
 */
import { describeZodError } from '../complycube/primitives';
import {
  claimRequestSchema,
  FINAL_STATUSES,
  REVIEW_STATUSES,
  reviewDecisionSchema,
  reviewUpdateSchema,
  type Approval,
  type CaseClaim,
  type ClaimRequest,
  type OnboardingPolicy,
  type OnboardingState,
  type ReviewChannel,
  type ReviewDecision,
  type ReviewRefusal,
} from './onboarding-contract';
import type { z } from 'zod';

/** A decision that ends the review: the main flow turns it into the decision record. */
export interface FinalReview {
  decision: 'approve' | 'reject';
  reviewer: string;
  reason: string;
  channel: ReviewChannel;
  asserted: boolean;
  approvals: Approval[];
}

/** What the rules read of a case: where it stands, and whether a decision ending its review is taken. */
export type DeskView = Pick<OnboardingState, 'status' | 'claim' | 'firstApproval' | 'secondApprovalRequired'> & {
  /** A reviewer's decision has ended the review; the run is recording it. */
  decided: boolean;
};

/**
 * A message's fate: accepted with its parsed payload, or refused with a code and the message the
 * Update's failure and the state's history carry (`invalid_payload: <what was wrong>`, or the code).
 */
export type Verdict<T> = { accepted: true; value: T } | { accepted: false; refusal: ReviewRefusal; message: string };

/** A decision as the rules weigh it: who, what, and through which channel. */
export interface DecisionMessage {
  reviewer: string;
  decision: 'approve' | 'reject';
  channel: ReviewChannel;
}

/**
 * Four-eyes: whether approving a case takes two reviewers, by the policy and what the checks
 * found. A rejection never does.
 */
export function needsSecondApproval(
  policy: Pick<OnboardingPolicy, 'secondApproval'>,
  checks: Pick<OnboardingState['checks'], 'identity_fraud_check'>,
): boolean {
  const fraudAttention = checks.identity_fraud_check.outcome === 'attention';
  return (
    policy.secondApproval === 'any_review' || (policy.secondApproval === 'identity_fraud_attention' && fraudAttention)
  );
}

/** Whether someone holds the case now: a lapsed claim holds nobody back. */
export function isClaimActive(claim: CaseClaim | undefined, now: number): claim is CaseClaim {
  return claim !== undefined && Date.parse(claim.expiresAt) > now;
}

const isDecided = (view: DeskView) => view.decided || FINAL_STATUSES.includes(view.status);
const isReviewDue = (view: DeskView) => (REVIEW_STATUSES as readonly string[]).includes(view.status);

/** Why a decision would change nothing, or undefined when it can be accepted. The first rule broken wins. */
export function decisionRefusal(
  view: DeskView,
  message: DecisionMessage,
  policy: Pick<OnboardingPolicy, 'signalDecisions'>,
  now: number,
): ReviewRefusal | undefined {
  if (message.channel === 'signal' && policy.signalDecisions === 'refused') return 'signal_decisions_refused';
  if (isDecided(view)) return 'already_decided';
  if (!isReviewDue(view)) return 'review_not_due';
  if (isClaimActive(view.claim, now) && view.claim.reviewer !== message.reviewer) return 'claimed_by_other';
  if (message.decision === 'approve' && view.firstApproval?.reviewer === message.reviewer) {
    return 'second_approval_by_same_reviewer';
  }
  return undefined;
}

/** Why a claim (or its renewal by its holder) would change nothing, or undefined. */
export function claimRefusal(view: DeskView, reviewer: string, now: number): ReviewRefusal | undefined {
  if (isDecided(view)) return 'already_decided';
  if (!isReviewDue(view)) return 'review_not_due';
  if (isClaimActive(view.claim, now) && view.claim.reviewer !== reviewer) return 'claimed_by_other';
  return undefined;
}

/** Only the holder of a claim that still holds may release it. */
export function releaseRefusal(view: DeskView, reviewer: string, now: number): ReviewRefusal | undefined {
  if (!isClaimActive(view.claim, now) || view.claim.reviewer !== reviewer) return 'not_claimed_by_you';
  return undefined;
}

/** The review queue is written again only while the case is on the desk. */
export function syncRefusal(view: DeskView): ReviewRefusal | undefined {
  return isReviewDue(view) && !view.decided ? undefined : 'review_not_due';
}

function weigh<T>(parsed: z.ZodSafeParseResult<T>, refusal: (value: T) => ReviewRefusal | undefined): Verdict<T> {
  if (!parsed.success) {
    return {
      accepted: false,
      refusal: 'invalid_payload',
      message: `invalid_payload: ${describeZodError(parsed.error)}`,
    };
  }
  const code = refusal(parsed.data);
  return code ? { accepted: false, refusal: code, message: code } : { accepted: true, value: parsed.data };
}

/** A `reviewDecision` signal: the reviewer's name asserted by its sender. */
export function weighSignalDecision(
  view: DeskView,
  raw: unknown,
  policy: Pick<OnboardingPolicy, 'signalDecisions'>,
  now: number,
): Verdict<ReviewDecision> {
  return weigh(reviewDecisionSchema.safeParse(raw), (review) =>
    decisionRefusal(view, { ...review, channel: 'signal' }, policy, now),
  );
}

/** A `submitReview` Update, from a channel that authenticated its reviewer. */
export function weighUpdateDecision(
  view: DeskView,
  raw: unknown,
  policy: Pick<OnboardingPolicy, 'signalDecisions'>,
  now: number,
): Verdict<z.output<typeof reviewUpdateSchema>> {
  return weigh(reviewUpdateSchema.safeParse(raw), (review) => decisionRefusal(view, review, policy, now));
}

/** A `claimCase` Update. */
export function weighClaim(view: DeskView, raw: unknown, now: number): Verdict<ClaimRequest> {
  return weigh(claimRequestSchema.safeParse(raw), (claim) => claimRefusal(view, claim.reviewer, now));
}

/** A `releaseCase` Update. */
export function weighRelease(view: DeskView, raw: unknown, now: number): Verdict<ClaimRequest> {
  return weigh(claimRequestSchema.safeParse(raw), (release) => releaseRefusal(view, release.reviewer, now));
}

/** The claim an accepted claim request leaves: a renewal by its holder keeps when it was first taken. */
export function claimChange(
  view: DeskView,
  request: ClaimRequest,
  leaseMs: number,
  now: number,
): { claim: CaseClaim; renewed: boolean } {
  const renewed = isClaimActive(view.claim, now) && view.claim.reviewer === request.reviewer;
  return {
    renewed,
    claim: {
      reviewer: request.reviewer,
      channel: request.channel,
      claimedAt: renewed ? view.claim!.claimedAt : new Date(now).toISOString(),
      expiresAt: new Date(now + leaseMs).toISOString(),
    },
  };
}

/**
 * What an accepted decision does: the first of two approvals when the case needs two reviewers
 * and has none yet, otherwise the end of the review, with every approval on the record.
 */
export function decisionChange(
  view: DeskView,
  review: Pick<ReviewDecision, 'decision' | 'reviewer' | 'reason'>,
  channel: ReviewChannel,
  now: number,
): { kind: 'first_approval'; approval: Approval } | { kind: 'final'; final: FinalReview } {
  const asserted = channel === 'signal';
  const approval: Approval = {
    reviewer: review.reviewer,
    channel,
    asserted,
    reason: review.reason,
    at: new Date(now).toISOString(),
  };
  if (review.decision === 'approve' && view.secondApprovalRequired && !view.firstApproval) {
    return { kind: 'first_approval', approval };
  }
  const approvals = [
    ...(view.firstApproval ? [view.firstApproval] : []),
    ...(review.decision === 'approve' ? [approval] : []),
  ];
  return {
    kind: 'final',
    final: {
      decision: review.decision,
      reviewer: review.reviewer,
      reason: review.reason,
      channel,
      asserted,
      approvals,
    },
  };
}
