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
 * must not start, and bill, a second run.
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
    typedSearchAttributes: [{ key: onboardingStatusSearchAttribute, value: 'checks_running' }],
    workflowIdReusePolicy: reverify ? WorkflowIdReusePolicy.ALLOW_DUPLICATE : WorkflowIdReusePolicy.REJECT_DUPLICATE,
  };
}
