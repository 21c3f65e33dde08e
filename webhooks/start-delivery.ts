/**
 * Starts a delivery's workflow (`workflows/webhook-delivery-workflow.ts`): once per delivery,
 * however often the event is published again (a retried activity finds it started, or finished,
 * and leaves it), and once more per redelivery an operator asks for.
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import {
  WEBHOOK_DELIVERY_WORKFLOW_TYPE,
  webhookDeliveryWorkflowId,
  type WebhookDeliveryInput,
} from '../workflows/onboarding-contract';

export interface DeliveryStart {
  /** The onboarding task queue: the delivery workflow runs there, its attempts on the webhooks queue. */
  taskQueue: string;
  deliveryId: string;
  retryFor: Duration;
  /** 0 for the delivery itself, n for its nth redelivery. */
  redelivery?: number;
}

/** Starts it; false when that workflow ID was already used (started before). */
export async function startDeliveryWorkflow(client: Client, start: DeliveryStart): Promise<boolean> {
  const input: WebhookDeliveryInput = { deliveryId: start.deliveryId, retryFor: start.retryFor };
  try {
    await client.workflow.start(WEBHOOK_DELIVERY_WORKFLOW_TYPE, {
      taskQueue: start.taskQueue,
      workflowId: webhookDeliveryWorkflowId(start.deliveryId, start.redelivery ?? 0),
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    return true;
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw error;
  }
}
