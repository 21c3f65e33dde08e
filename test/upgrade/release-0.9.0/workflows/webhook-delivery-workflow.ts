/**
 * One outbound webhook delivery (docs/webhooks.md): attempts on the webhooks task queue, backing
 * off from 5 s to at most an hour between attempts for `retryFor` (72 h by default), with the same
 * event ID every time; then given up as `failed`, which the endpoint's deliveries list and a
 * redelivery can take up again. One workflow per delivery, so one receiver that is down or hangs
 * never holds back another's. Workflow code: deterministic, no Node.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  isCancellation,
  proxyActivities,
  TimeoutFailure,
  workflowInfo,
} from '@temporalio/workflow';
import type { WebhookActivities } from '../../../../activities/webhook-activities';
import { webhooksTaskQueue, type WebhookDeliveryInput } from './onboarding-contract';

export async function webhookDeliveryWorkflow(input: WebhookDeliveryInput): Promise<'delivered' | 'failed'> {
  const taskQueue = webhooksTaskQueue(workflowInfo().taskQueue);
  const { deliverWebhook } = proxyActivities<WebhookActivities>({
    taskQueue,
    startToCloseTimeout: '2m',
    scheduleToCloseTimeout: input.retryFor,
    retry: { initialInterval: '5s', backoffCoefficient: 1.5, maximumInterval: '1h' },
    summary: 'send the webhook',
  });
  const { markDeliveryFailed } = proxyActivities<WebhookActivities>({
    taskQueue,
    startToCloseTimeout: '30s',
    retry: { initialInterval: '1s', maximumInterval: '1m' },
    summary: 'give the delivery up',
  });
  try {
    await deliverWebhook(input.deliveryId);
    return 'delivered';
  } catch (error) {
    if (isCancellation(error)) throw error;
    await markDeliveryFailed(input.deliveryId, failureText(error, input.retryFor));
    return 'failed';
  }
}

/** Why the delivery was given up, for its row: retries that ran out, or a refusal never to retry. */
function failureText(error: unknown, retryFor: WebhookDeliveryInput['retryFor']): string {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof TimeoutFailure) return `gave up after retrying for ${String(retryFor)}`;
  if (cause instanceof ApplicationFailure) return `${cause.type ?? 'failed'}: ${cause.message}`;
  return cause instanceof Error ? cause.message : 'failed';
}
