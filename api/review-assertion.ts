/**
 * The API vouches for a reviewer: every decision, claim and release it sends to a workflow
 * carries an assertion, signed with the review-assertion key, of who sent it (the principal this
 * request authenticated), with which roles, for which Update. The worker checks it before the
 * workflow takes the message (security/review-assertions.ts, docs/security.md).
 */
import { signReviewAssertion } from '../security/review-assertions';
import { onboardingWorkflowId, type AssertedAction } from '../workflows/onboarding-contract';
import type { Principal } from './auth';
import type { ApiContext } from './context';
import { HttpError } from './errors';

export interface AssertedRequest {
  onboardingId: string;
  action: AssertedAction;
  updateId: string;
  decision?: 'approve' | 'reject' | 'request_resubmission';
  reason?: string;
}

/** The assertion for this principal's message; 503 when the API holds no key to sign it with. */
export function assertionFor(context: ApiContext, principal: Principal, request: AssertedRequest): Promise<string> {
  if (!context.reviewKeys) {
    throw new HttpError(
      503,
      'review_keys_missing',
      'This API has no REVIEW_ASSERTION_KEYS, so it cannot vouch for a reviewer; ask its operator',
    );
  }
  const { onboardingId, ...message } = request;
  return signReviewAssertion(context.reviewKeys, {
    ...message,
    reviewer: principal.name,
    roles: principal.roles,
    channel: principal.channel,
    workflowId: onboardingWorkflowId(onboardingId),
  });
}
