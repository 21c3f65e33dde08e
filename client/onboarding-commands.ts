/** The operator CLI's onboarding commands: start, show, list and withdraw, straight through Temporal. */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { describeZodError } from '../complycube/schemas';
import {
  WORKFLOW_TYPE,
  getStateQuery,
  onboardingIdFromWorkflowId,
  onboardingRequestSchema,
  onboardingStatusSchema,
  onboardingStatusSearchAttribute,
  onboardingWorkflowId,
  policyOverridesSchema,
  resolvePolicy,
} from '../workflows/onboarding-contract';
import type { ReviewCommandContext } from './review-commands';
import { onboardingStartOptions } from './start-options';
import { UsageError } from './usage';

/** The options `start` reads, as parseArgs gives them. */
export interface StartValues {
  'client-id'?: string;
  'address-id'?: string;
  'document-id'?: string;
  'live-video-id'?: string;
  'check-timeout'?: string;
  'review-sla'?: string;
  'review-expiry'?: string;
  reverify?: boolean;
}

export async function startCommand({ client, config, print }: ReviewCommandContext, values: StartValues) {
  const parsed = onboardingRequestSchema.safeParse({
    clientId: values['client-id'],
    addressId: values['address-id'],
    documentId: values['document-id'],
    liveVideoId: values['live-video-id'],
  });
  if (!parsed.success) throw new UsageError(describeZodError(parsed.error), 'start');
  const policy = Object.fromEntries(
    Object.entries({
      checkTimeout: values['check-timeout'],
      reviewSla: values['review-sla'],
      reviewExpiry: values['review-expiry'],
    }).filter(([, value]) => value !== undefined),
  );
  const overrides = policyOverridesSchema.safeParse(policy);
  if (!overrides.success) throw new UsageError(describeZodError(overrides.error), 'start');
  const resolved = resolvePolicy(config.policy, overrides.data);
  if (!resolved.success) throw new UsageError(describeZodError(resolved.error), 'start');
  const request = parsed.data;
  try {
    const handle = await client.workflow.start(
      WORKFLOW_TYPE,
      onboardingStartOptions(request, config.temporal.taskQueue, resolved.data, values.reverify ?? false),
    );
    print({ onboardingId: request.clientId, workflowId: handle.workflowId, runId: handle.firstExecutionRunId });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) {
      throw new UsageError(
        `Client ${request.clientId} has an onboarding running, or one that ended (--reverify starts a new run then).`,
        'start',
      );
    }
    throw error;
  }
}

export async function showCommand({ client, print }: ReviewCommandContext, onboardingId: string) {
  print(await client.workflow.getHandle(onboardingWorkflowId(onboardingId)).query(getStateQuery));
}

export async function listCommand({ client }: ReviewCommandContext, statusValue: string | undefined) {
  const status = statusValue === undefined ? undefined : onboardingStatusSchema.safeParse(statusValue);
  if (status && !status.success) throw new UsageError(`Unknown status "${statusValue}".`, 'list');
  const query = [`WorkflowType = '${WORKFLOW_TYPE}'`];
  if (status?.data) query.push(`${onboardingStatusSearchAttribute.name} = '${status.data}'`);
  for await (const execution of client.workflow.list({ query: query.join(' AND ') })) {
    console.log(
      [
        onboardingIdFromWorkflowId(execution.workflowId) ?? execution.workflowId,
        execution.typedSearchAttributes.get(onboardingStatusSearchAttribute) ?? '-',
        execution.startTime.toISOString(),
      ].join('\t'),
    );
  }
}

export async function withdrawCommand({ client }: ReviewCommandContext, onboardingId: string) {
  await client.workflow.getHandle(onboardingWorkflowId(onboardingId)).cancel();
  console.log('Cancellation requested; the onboarding records "withdrawn".');
}
