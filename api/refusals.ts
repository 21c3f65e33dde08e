/**
 * What the API says and records when the workflow refuses a review action (an Update's validator):
 * the refusal code of the contract's union as the error and its sentence as the message, with who
 * holds a claim when that is why, and a row on the audit trail, since a refused Update never
 * reaches the workflow, which writes every other row.
 */
import { refusedAttempt } from '../store/review-trail';
import {
  describeRefusal,
  getStateQuery,
  onboardingWorkflowId,
  refusalCodeOf,
  REVIEW_REFUSALS,
  type ReviewChannel,
  type ReviewRefusal,
} from '../workflows/onboarding-contract';
import type { ApiContext } from './context';
import { WorkflowNotFoundError } from '@temporalio/client';
import { grpcCodeOf, HttpError } from './errors';

/** The refusal as an HTTP error: 409 with its code and sentence (and the claim's holder for `claimed_by_other`). */
export async function refusalError(context: ApiContext, onboardingId: string, refusal: string): Promise<HttpError> {
  const code = refusalCodeOf(refusal) ?? 'review_refused';
  const message = describeRefusal(refusal);
  if (code !== 'claimed_by_other') return new HttpError(409, code, message);
  const state = await context
    .withDeadline(() => context.temporal.workflow.getHandle(onboardingWorkflowId(onboardingId)).query(getStateQuery))
    .catch(() => undefined);
  return new HttpError(
    409,
    code,
    message,
    state?.claim ? { claimedBy: state.claim.reviewer, until: state.claim.expiresAt } : undefined,
  );
}

/** The 409 a route can answer, for its OpenAPI description: each refusal code with its sentence. */
export function refusalsDescribed(codes: readonly ReviewRefusal[], more: readonly string[] = []): string {
  const lines = codes.map(
    (code) =>
      `${code}: ${REVIEW_REFUSALS[code]}${code === 'claimed_by_other' ? ' (details.claimedBy, details.until)' : ''}`,
  );
  return ['A refusal; `error` is one of:', ...[...lines, ...more].map((line) => `- ${line}`)].join('\n');
}

/**
 * A refused attempt on the audit trail and the ledger, written before the answer goes out. Never
 * best-effort: when the store cannot take it, the answer is 503 store_unavailable, not the
 * refusal, and the attempt retried is refused, and recorded, again.
 */
export async function recordRefusal(
  context: ApiContext,
  attempt: {
    onboardingId: string;
    kind: 'claim' | 'release' | 'decision' | 'assignment';
    actor: string;
    channel: ReviewChannel;
    refusal: string;
    decision?: 'approve' | 'reject' | 'request_resubmission';
    /** For an assignment: who the case was to go to. */
    assignee?: string;
  },
): Promise<void> {
  context.metrics.review(attempt.kind, 'refused', attempt.channel);
  await context.store.recordReviewAction(
    refusedAttempt({ ...attempt, workflowId: onboardingWorkflowId(attempt.onboardingId) }),
  );
}

const FAILED_PRECONDITION = 9;

/**
 * An Update sent to a run that has ended (or is unknown), as the API answers it: Temporal says
 * NOT_FOUND or FAILED_PRECONDITION; 409 `already_decided` when the store has a decision (or the
 * run ended without one), 404 when nothing is known. Undefined for any other error.
 */
export async function endedRunError(
  context: ApiContext,
  onboardingId: string,
  error: unknown,
): Promise<HttpError | undefined> {
  if (!(error instanceof WorkflowNotFoundError) && grpcCodeOf(error) !== FAILED_PRECONDITION) return undefined;
  const decided = (await context.store.decisionsFor(onboardingId)).length > 0;
  if (decided) return new HttpError(409, 'already_decided', REVIEW_REFUSALS.already_decided);
  if (error instanceof WorkflowNotFoundError) {
    return new HttpError(404, 'onboarding_not_found', 'No onboarding with this ID');
  }
  return new HttpError(409, 'already_decided', 'This onboarding has ended');
}
