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
 * running one), the first status set with the start rather than by an upsert, and re-runs allowed
 * once the previous run has ended (re-verification) but never beside a running one.
 */
export function onboardingStartOptions(
  request: OnboardingRequest,
  taskQueue: string,
  policy: OnboardingPolicy,
): WorkflowStartOptions {
  return {
    workflowId: onboardingWorkflowId(request.clientId),
    taskQueue,
    args: [{ ...request, policy }],
    memo: { request },
    typedSearchAttributes: [{ key: onboardingStatusSearchAttribute, value: 'checks_running' }],
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
  };
}
