/**
 * The events an onboarding emits to the onboarding backend's webhook endpoints (since 0.8.0,
 * docs/webhooks.md): IDs, statuses, outcomes and codes, never personal data and never a reviewer's
 * free text. Each carries the run's sequence number, so a receiver can order one onboarding's
 * events whatever order they arrive in.
 */
import type { Duration } from '@temporalio/common';
import { z } from 'zod';

export const OUTBOUND_EVENT_TYPES = [
  'onboarding.started',
  'onboarding.review_required',
  'onboarding.resubmission_requested',
  'onboarding.decided',
  'check.completed',
] as const;
export const outboundEventTypeSchema = z.enum(OUTBOUND_EVENT_TYPES);
export type OutboundEventType = z.infer<typeof outboundEventTypeSchema>;

/** One event as the run emits it and the store keeps it; the webhook's body is built from it. */
export interface OutboundEvent {
  /** `evt_<run ID>_<sequence>`: the same on every delivery and retry (the `webhook-id` header). */
  id: string;
  type: OutboundEventType;
  onboardingId: string;
  workflowId: string;
  runId: string;
  /** 1, 2, 3, … within the run, in the order the run emitted them. */
  sequence: number;
  occurredAt: string;
  /** The type's own fields: IDs, statuses, outcomes and codes. */
  data: Record<string, string | number | boolean | string[] | null>;
}

/** The event ID of a run's `sequence`th event. */
export const outboundEventId = (runId: string, sequence: number) => `evt_${runId}_${sequence}`;

/** The task queue of the webhook deliveries' activities for onboardings on `taskQueue`. */
export const webhooksTaskQueue = (taskQueue: string) => `${taskQueue}-webhooks`;
export const WEBHOOK_DELIVERY_WORKFLOW_TYPE = 'webhookDeliveryWorkflow';

/** One workflow per delivery, and one more per redelivery asked for. */
export const webhookDeliveryWorkflowId = (deliveryId: string, redelivery = 0) =>
  redelivery === 0 ? `webhook-delivery-${deliveryId}` : `webhook-delivery-${deliveryId}-redelivery-${redelivery}`;

/** What a delivery workflow is given: the delivery, and how long its attempts may go on. */
export interface WebhookDeliveryInput {
  deliveryId: string;
  /** A duration such as `72h`: past it, the delivery is given up as `failed`. */
  retryFor: Duration;
}
