/**
 * The workflow's input made whole: the request, and the policy completed with the defaults that
 * runs of 0.1.0 relied on; and the state a run starts from. Workflow code: deterministic, no Node.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import { describeZodError } from '../../../../complycube/primitives';
import {
  onboardingInputSchema,
  resolvePolicy,
  type OnboardingPolicy,
  type OnboardingRequest,
  type OnboardingState,
} from './onboarding-contract';

/**
 * The defaults release 0.1.0 applied inside the workflow. Runs it started carry no policy, or a
 * partial one (as do 0.2.0's, without the review desk's fields), and replaying them needs exactly
 * these values: they never change (0.5.0's `secondApproverRoles`, absent from every earlier input,
 * is filled with any reviewer, as those runs took any second reviewer; 0.8.0's resubmission fields, absent
 * from every earlier input, let a reviewer of a run in flight ask for a resubmission as a new run
 * would). Since 0.2.0 the policy is resolved at start (`DEFAULT_POLICY`)
 * and these fill nothing in new runs. No second approval and signals accepted: how those runs
 * decided.
 */
const POLICY_DEFAULTS_OF_0_1_0: OnboardingPolicy = {
  checkTimeout: '24h',
  reviewSla: '24h',
  reviewExpiry: '30d',
  pollInterval: '30s',
  maxPollInterval: '30m',
  callTimeout: '30s',
  secondApproval: 'never',
  signalDecisions: 'accepted',
  secondApproverRoles: ['reviewer', 'senior_reviewer'],
  claimLease: '15m',
  resubmissionDeadline: '14d',
  resubmissionRounds: 2,
};

const invalidInput = (error: Parameters<typeof describeZodError>[0]) =>
  ApplicationFailure.nonRetryable(`invalid onboarding input: ${describeZodError(error)}`, 'InvalidOnboardingInput');

/** The request and its complete policy; an input that can never run fails the run, not its task. */
export function parseOnboardingInput(rawInput: unknown): { request: OnboardingRequest; policy: OnboardingPolicy } {
  const parsed = onboardingInputSchema.safeParse(rawInput);
  if (!parsed.success) throw invalidInput(parsed.error);
  const { policy: policyInput, ...request } = parsed.data;
  const resolved = resolvePolicy(POLICY_DEFAULTS_OF_0_1_0, policyInput);
  if (!resolved.success) throw invalidInput(resolved.error);
  return { request, policy: resolved.data };
}

/** A run as it starts: both checks being created, nothing reviewed. */
export function initialState(
  request: OnboardingRequest,
  policy: OnboardingPolicy,
  run: { workflowId: string; runId: string; startedAt: string },
): OnboardingState {
  return {
    onboardingId: request.clientId,
    workflowId: run.workflowId,
    runId: run.runId,
    status: 'checks_running',
    startedAt: run.startedAt,
    checks: {
      identity_fraud_check: { type: 'identity_fraud_check', status: 'creating', attentionAnalyses: [] },
      enhanced_identity_check: { type: 'enhanced_identity_check', status: 'creating', attentionAnalyses: [] },
    },
    policy,
    reviewReasons: [],
    timeline: [{ at: run.startedAt, kind: 'started' }],
    reviews: [],
    refusedReviews: 0,
    ignoredNotices: 0,
  };
}
