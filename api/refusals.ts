/**
 * What the API says and records when the workflow refuses a review action (an Update's validator):
 * the refusal code as the error, with who holds a claim when that is why, and a row on the audit
 * trail, since a refused Update never reaches the workflow, which writes every other row.
 */
import { refusedAttempt } from '../store/review-trail';
import { getStateQuery, onboardingWorkflowId, type ReviewChannel } from '../workflows/onboarding-contract';
import type { ApiContext } from './context';
import { HttpError } from './errors';

const KNOWN_REFUSALS = [
  'review_not_due',
  'already_decided',
  'claimed_by_other',
  'second_approval_by_same_reviewer',
  'not_claimed_by_you',
] as const;

/** The refusal as an HTTP error: 409 with its code (and the claim's holder for `claimed_by_other`). */
export async function refusalError(context: ApiContext, onboardingId: string, refusal: string): Promise<HttpError> {
  const code = (KNOWN_REFUSALS as readonly string[]).find((known) => refusal.startsWith(known)) ?? 'review_refused';
  if (code !== 'claimed_by_other') return new HttpError(409, code, refusal);
  const state = await context
    .withDeadline(() => context.temporal.workflow.getHandle(onboardingWorkflowId(onboardingId)).query(getStateQuery))
    .catch(() => undefined);
  return new HttpError(
    409,
    code,
    'Another reviewer holds this case',
    state?.claim ? { claimedBy: state.claim.reviewer, until: state.claim.expiresAt } : undefined,
  );
}

/** A refused attempt on the audit trail. Best effort: a store outage must not hide the refusal. */
export async function recordRefusal(
  context: ApiContext,
  attempt: {
    onboardingId: string;
    kind: 'claim' | 'release' | 'decision';
    actor: string;
    channel: ReviewChannel;
    refusal: string;
    decision?: 'approve' | 'reject';
  },
): Promise<void> {
  context.metrics.review(attempt.kind, 'refused', attempt.channel);
  await context.store
    .recordReviewAction(refusedAttempt({ ...attempt, workflowId: onboardingWorkflowId(attempt.onboardingId) }))
    .catch(() => undefined);
}
