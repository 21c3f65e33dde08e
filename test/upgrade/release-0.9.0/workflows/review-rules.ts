/**
 * The review desk's rules as plain functions: given the case as it stands, a message and the time,
 * whether the message is refused (and with which code from `review-refusals.ts`), or the change it
 * makes. The desk (`review-desk.ts`) applies them; `test/review-rules.test.ts` states them.
 */
import { describeZodError } from '../../../../complycube/primitives';
import {
  assignRequestSchema,
  claimRequestSchema,
  FINAL_STATUSES,
  REVIEW_STATUSES,
  reviewDecisionSchema,
  reviewUpdateSchema,
  type Approval,
  type AssignRequest,
  type CaseClaim,
  type ClaimRequest,
  type OnboardingPolicy,
  type OnboardingState,
  type ReviewChannel,
  type ReviewDecision,
  type ReviewRefusal,
} from './onboarding-contract';
import type { z } from 'zod';

export type { FinalReview } from './review-changes';

/**
 * Who sent a decision, as the rules of 0.5.0 weigh it: a reviewer whose assertion the worker
 * verified, with the roles it states (unknown while only its shape has been checked), or a name
 * asserted by a signal. Absent: the rules runs were decided by before 0.5.0 (replay only).
 */
export interface Identity {
  verified: boolean;
  roles?: readonly string[];
}

/** What the rules read of a case: where it stands, and whether a decision ending its review is taken. */
export type DeskView = Pick<
  OnboardingState,
  'status' | 'claim' | 'firstApproval' | 'secondApprovalRequired' | 'resubmissionRounds'
> & {
  /** A reviewer's decision has ended the review; the run is recording it. */
  decided: boolean;
  /** The round of review is over (a decision, the expiry, a resubmission request), its outcome not yet shown. */
  closed?: boolean;
};

/**
 * A message's fate: accepted with its parsed payload, or refused with a code and the message the
 * Update's failure and the state's history carry (`invalid_payload: <what was wrong>`, or the code).
 */
export type Verdict<T> = { accepted: true; value: T } | { accepted: false; refusal: ReviewRefusal; message: string };

/** A decision as the rules weigh it: who, what, and through which channel. */
export interface DecisionMessage {
  reviewer: string;
  decision: 'approve' | 'reject' | 'request_resubmission';
  channel: ReviewChannel;
  identity?: Identity;
}

/**
 * Whether an approval on the record counts as one of two: since 0.5.0 only a signed-in
 * reviewer's does, never a name asserted by a signal. (An approval by Update before 0.5.0 was a
 * token's or a session's, authenticated by the API of its day, and counts.)
 */
export const countsTowardFourEyes = (approval: Approval | undefined): approval is Approval =>
  approval !== undefined && !approval.asserted;

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

/** What of the policy the rules read. */
type RulesPolicy = Pick<OnboardingPolicy, 'signalDecisions' | 'secondApproverRoles' | 'resubmissionRounds'>;

const isDecided = (view: DeskView) => view.decided || FINAL_STATUSES.includes(view.status);
const isReviewDue = (view: DeskView) => (REVIEW_STATUSES as readonly string[]).includes(view.status);

/** Why a decision would change nothing, or undefined when it can be accepted. The first rule broken wins. */
export function decisionRefusal(
  view: DeskView,
  message: DecisionMessage,
  policy: RulesPolicy,
  now: number,
): ReviewRefusal | undefined {
  if (message.channel === 'signal' && policy.signalDecisions === 'refused') return 'signal_decisions_refused';
  if (isDecided(view)) return 'already_decided';
  if (!isReviewDue(view)) return 'review_not_due';
  if (isClaimActive(view.claim, now) && view.claim.reviewer !== message.reviewer) return 'claimed_by_other';
  if (message.decision === 'request_resubmission') {
    if (view.closed) return 'already_decided';
    return (view.resubmissionRounds ?? 0) < policy.resubmissionRounds ? undefined : 'resubmission_rounds_exhausted';
  }
  if (message.decision !== 'approve') return undefined;
  if (!message.identity) {
    return view.firstApproval?.reviewer === message.reviewer ? 'second_approval_by_same_reviewer' : undefined;
  }
  return fourEyesRefusal(view, message.reviewer, message.identity, policy);
}

/** Four-eyes since 0.5.0: two approvals by two verified reviewers, the second in a role the policy names. */
function fourEyesRefusal(
  view: DeskView,
  reviewer: string,
  identity: Identity,
  policy: Pick<OnboardingPolicy, 'secondApproverRoles'>,
): ReviewRefusal | undefined {
  if (!view.secondApprovalRequired) return undefined;
  if (!identity.verified) return 'verified_approvals_required';
  const first = view.firstApproval;
  if (!countsTowardFourEyes(first)) return undefined;
  if (first.reviewer === reviewer) return 'second_approval_by_same_reviewer';
  const roles = identity.roles;
  if (roles && !roles.some((role) => (policy.secondApproverRoles as readonly string[]).includes(role))) {
    return 'second_approver_role_required';
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

/**
 * A `reviewDecision` signal: the reviewer's name asserted by its sender. `since050`: weighed by
 * the rules of 0.5.0 (an asserted approval never counts toward four-eyes); false only where a run
 * is replayed past a point that was decided before them.
 */
export function weighSignalDecision(
  view: DeskView,
  raw: unknown,
  policy: RulesPolicy,
  now: number,
  since050 = true,
): Verdict<ReviewDecision> {
  return weigh(reviewDecisionSchema.safeParse(raw), (review) =>
    decisionRefusal(
      view,
      { ...review, channel: 'signal', ...(since050 ? { identity: { verified: false } } : {}) },
      policy,
      now,
    ),
  );
}

/**
 * A `submitReview` Update, as its validator weighs it: it must carry the API's assertion, which
 * the handler then verifies (validators cannot run activities); its roles are weighed then.
 */
export function weighUpdateDecision(
  view: DeskView,
  raw: unknown,
  policy: RulesPolicy,
  now: number,
): Verdict<z.output<typeof reviewUpdateSchema>> {
  return weigh(reviewUpdateSchema.safeParse(raw), (review) =>
    review.assertion === undefined
      ? 'assertion_required'
      : decisionRefusal(view, { ...review, identity: { verified: true } }, policy, now),
  );
}

/** A `claimCase` Update, as its validator weighs it (the assertion is verified by the handler). */
export function weighClaim(view: DeskView, raw: unknown, now: number): Verdict<ClaimRequest> {
  return weigh(claimRequestSchema.safeParse(raw), (claim) =>
    claim.assertion === undefined ? 'assertion_required' : claimRefusal(view, claim.reviewer, now),
  );
}

/** A `releaseCase` Update, as its validator weighs it (the assertion is verified by the handler). */
export function weighRelease(view: DeskView, raw: unknown, now: number): Verdict<ClaimRequest> {
  return weigh(claimRequestSchema.safeParse(raw), (release) =>
    release.assertion === undefined ? 'assertion_required' : releaseRefusal(view, release.reviewer, now),
  );
}

/**
 * An assignment may be made while the case is on the desk, and not to the reviewer whose approval
 * waits for a second one (they could never give it); only a senior may make it (checked by the handler).
 */
export function assignmentRefusal(view: DeskView, assignee: string): ReviewRefusal | undefined {
  if (isDecided(view)) return 'already_decided';
  if (!isReviewDue(view)) return 'review_not_due';
  if (countsTowardFourEyes(view.firstApproval) && view.firstApproval.reviewer === assignee) {
    return 'second_approval_by_same_reviewer';
  }
  return undefined;
}

/** An `assignCase` Update, as its validator weighs it (the assertion and the senior's role by the handler). */
export function weighAssignment(view: DeskView, raw: unknown): Verdict<AssignRequest> {
  return weigh(assignRequestSchema.safeParse(raw), (request) => assignmentRefusal(view, request.assignee));
}

export { assignmentChange, claimChange, decisionChange } from './review-changes';
