import type { WorkflowStartOptions } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import {
  onboardingStatusSearchAttribute,
  onboardingWorkflowId,
  type OnboardingPolicy,
  type OnboardingRequest,
} from '../workflows/onboarding-contract';

/**
 * How every onboarding is started, by the API and the CLI alike: the client's workflow ID, the
 * complete timing policy in the input (resolved now, so later changes to the defaults leave this
 * run alone), the request in the memo (IDs only, so a repeated start can be compared with the
 * running one), and the first status set with the start rather than by an upsert. Never beside a
 * running one; after an ended one only when asked (`reverify`, re-verification): a retried start
 * must not start, and bill, a second run. The Temporal UI shows a summary and details of IDs and
 * policy only (the run's changing state is in its current details, kept by the workflow).
 */
export function onboardingStartOptions(
  request: OnboardingRequest,
  taskQueue: string,
  policy: OnboardingPolicy,
  reverify = false,
): WorkflowStartOptions {
  return {
    workflowId: onboardingWorkflowId(request.clientId),
    taskQueue,
    args: [{ ...request, policy }],
    memo: { request },
    staticSummary: `KYC onboarding of ComplyCube client ${request.clientId}${reverify ? ' (re-verification)' : ''}`,
    staticDetails: onboardingStaticDetails(request, policy),
    typedSearchAttributes: [{ key: onboardingStatusSearchAttribute, value: 'checks_running' }],
    workflowIdReusePolicy: reverify ? WorkflowIdReusePolicy.ALLOW_DUPLICATE : WorkflowIdReusePolicy.REJECT_DUPLICATE,
  };
}

/** The onboarding's static details for the Temporal UI: the ComplyCube IDs and the policy it runs under. */
export function onboardingStaticDetails(request: OnboardingRequest, policy: OnboardingPolicy): string {
  const secondApproval: Record<OnboardingPolicy['secondApproval'], string> = {
    identity_fraud_attention: 'on fraud attention',
    any_review: 'on every review',
    never: 'never',
  };
  // Two short paragraphs: the UI's panel clips after about four lines. The full policy is the input.
  return [
    `**ComplyCube** address \`${request.addressId}\` · document \`${request.documentId}\` · live video \`${request.liveVideoId}\``,
    `**Policy** checks ${policy.checkTimeout} · SLA ${policy.reviewSla} · expiry ${policy.reviewExpiry} · 4-eyes ${secondApproval[policy.secondApproval]} · signals ${policy.signalDecisions}`,
  ].join('\n\n');
}
