/**
 * What an accepted review message changes: the claim a claim or an assignment leaves, and what a
 * decision does (a first of two approvals, or the end of the review). Pure functions, stated by
 * `test/review-rules.test.ts`; `review-rules.ts` says whether a message is accepted at all.
 */
import type { Approval, CaseClaim, ClaimRequest, ReviewChannel, ReviewDecision } from './onboarding-contract';
import { countsTowardFourEyes, isClaimActive, type DeskView, type Identity } from './review-rules';

/** A decision that ends the review: the main flow turns it into the decision record. */
export interface FinalReview {
  decision: 'approve' | 'reject';
  reviewer: string;
  reason: string;
  channel: ReviewChannel;
  asserted: boolean;
  /** The worker verified the API's assertion of who decided (since 0.5.0). */
  verified?: boolean;
  approvals: Approval[];
  /** The decision's codes from `decision-reasons.ts`, beside the free-text reason (since 0.9.0). */
  reasonCodes?: string[];
}

/** The claim an accepted claim request leaves: a renewal by its holder keeps when it was first taken. */
export function claimChange(
  view: DeskView,
  request: ClaimRequest,
  leaseMs: number,
  now: number,
  verified = false,
): { claim: CaseClaim; renewed: boolean } {
  const renewed = isClaimActive(view.claim, now) && view.claim.reviewer === request.reviewer;
  // An assignee renewing keeps the assignment: its senior, and its longer hold.
  const assignment = renewed && view.claim!.assignedBy !== undefined ? view.claim! : undefined;
  const leaseEnd = now + leaseMs;
  return {
    renewed,
    claim: {
      reviewer: request.reviewer,
      channel: request.channel,
      ...(verified ? { verified } : {}),
      claimedAt: renewed ? view.claim!.claimedAt : new Date(now).toISOString(),
      expiresAt: new Date(Math.max(leaseEnd, assignment ? Date.parse(assignment.expiresAt) : 0)).toISOString(),
      ...(assignment ? { assignedBy: assignment.assignedBy } : {}),
    },
  };
}

/**
 * The claim an assignment leaves: the assignee holds the case until `until` (the review's expiry)
 * or until they release it; whoever held it before no longer does.
 */
export function assignmentChange(
  request: { assignee: string; assignedBy: string; channel: CaseClaim['channel'] },
  until: number,
  now: number,
): CaseClaim {
  return {
    reviewer: request.assignee,
    channel: request.channel,
    verified: true,
    claimedAt: new Date(now).toISOString(),
    expiresAt: new Date(Math.max(until, now)).toISOString(),
    assignedBy: request.assignedBy,
  };
}

/**
 * What an accepted decision does: the first of two approvals when the case needs two reviewers
 * and has none that counts yet, otherwise the end of the review, with the approvals that count.
 * `identity` absent: the rules before 0.5.0 (replay only), when any approval counted.
 */
export function decisionChange(
  view: DeskView,
  review: Pick<ReviewDecision, 'decision' | 'reviewer' | 'reason'> & { reasonCodes?: string[] | undefined },
  channel: ReviewChannel,
  now: number,
  identity?: Identity,
): { kind: 'first_approval'; approval: Approval } | { kind: 'final'; final: FinalReview } {
  const asserted = identity ? !identity.verified : channel === 'signal';
  const verified = identity?.verified === true;
  const approval: Approval = {
    reviewer: review.reviewer,
    channel,
    asserted,
    ...(verified ? { verified, roles: [...(identity.roles ?? [])] } : {}),
    reason: review.reason,
    ...(review.reasonCodes ? { reasonCodes: [...review.reasonCodes] } : {}),
    at: new Date(now).toISOString(),
  };
  const first = identity
    ? countsTowardFourEyes(view.firstApproval)
      ? view.firstApproval
      : undefined
    : view.firstApproval;
  if (review.decision === 'approve' && view.secondApprovalRequired && !first) {
    return { kind: 'first_approval', approval };
  }
  const approvals = [...(first ? [first] : []), ...(review.decision === 'approve' ? [approval] : [])];
  return {
    kind: 'final',
    final: {
      decision: review.decision,
      reviewer: review.reviewer,
      reason: review.reason,
      channel,
      asserted,
      ...(verified ? { verified } : {}),
      approvals,
      ...(review.reasonCodes ? { reasonCodes: [...review.reasonCodes] } : {}),
    },
  };
}
