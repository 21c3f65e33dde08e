/**
 * Who really sent a review message. Since 0.5.0 every decision, claim and release by Update
 * carries the API's signed assertion (`security/review-assertions.ts`); the worker checks it in
 * a local activity, since workflow code has no crypto, before the message changes anything. The
 * key stays in the worker: the activity's input is the assertion and the message, its result
 * only the verified reviewer and roles, or why not. Workflow code: deterministic, no Node.
 */
import { ApplicationFailure, currentUpdateInfo, proxyLocalActivities } from '@temporalio/workflow';
import type { OnboardingActivities } from '../../../../activities/onboarding-activities';
import type { AssertedAction, AssertionVerdict, ReviewChannel, ReviewRefusal } from './onboarding-contract';

const { verifyReviewAssertion } = proxyLocalActivities<OnboardingActivities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '200ms', maximumInterval: '5s', maximumAttempts: 10 },
});

/** What an Update says it is: its reviewer, channel and content, and the assertion of it. */
export interface AssertedUpdate {
  workflowId: string;
  action: AssertedAction;
  reviewer: string;
  channel: ReviewChannel;
  assertion: string;
  decision?: 'approve' | 'reject' | 'request_resubmission';
  reason?: string;
}

/** The verified reviewer's roles; throws the refusal (after `onRefused`) when the assertion does not hold. */
export async function verifiedRoles(
  update: AssertedUpdate,
  onRefused: (code: ReviewRefusal) => void,
): Promise<string[]> {
  const { assertion, channel, ...message } = update;
  const updateId = currentUpdateInfo()?.id;
  // Only the API's channels are ever asserted: a message that names `signal` has no assertion of it.
  const verdict: AssertionVerdict =
    updateId === undefined || channel === 'signal'
      ? { verified: false, problem: 'mismatch' }
      : await verifyReviewAssertion({ assertion, message: { ...message, channel, updateId } });
  if (!verdict.verified) throw refused('assertion_invalid', onRefused);
  return verdict.roles;
}

/** An Update refused after it was accepted: its failure carries the code, as a validator's refusal does. */
export function refused(code: ReviewRefusal, onRefused: (code: ReviewRefusal) => void): ApplicationFailure {
  onRefused(code);
  return ApplicationFailure.create({ message: code, type: code, nonRetryable: true });
}
