/**
 * Outbound webhooks' activities (docs/webhooks.md). `publishEvent` and `recordDecisionWithEvents`
 * run on the onboarding task queue: they write a run's events to the outbox with one delivery per
 * subscribed endpoint (the latter with the decision, in one transaction), and start a delivery
 * workflow for each. `deliverWebhook` and `markDeliveryFailed` run on the webhooks task
 * queue, so a slow or hanging receiver holds only that queue's slots, never a check's.
 */
import { ApplicationFailure } from '@temporalio/common';
import { activityInfo, log } from '@temporalio/activity';
import type { WebhookDeliveryMetrics } from '../observability/webhook-metrics';
import type { DecisionRecords } from '../store/decisions';
import type { OutboundWebhooks, WebhookDelivery } from '../store/outbound-webhooks';
import type { AllowedCidrs } from '../webhooks/address-guard';
import type { EndpointSecrets } from '../webhooks/endpoint-secrets';
import { postWebhook } from '../webhooks/post-webhook';
import { eventBody, signedHeaders } from '../webhooks/signed-message';
import type { OnboardingDecision, OutboundEvent } from '../workflows/onboarding-contract';

export interface WebhookActivityDependencies {
  store: OutboundWebhooks & Pick<DecisionRecords, 'recordDecisionWithEvents'>;
  secrets: EndpointSecrets;
  /** Starts the delivery's workflow once; a second start of the same delivery does nothing. */
  startDelivery: (deliveryId: string) => Promise<void>;
  /** Addresses a receiver may have besides public ones (`OUTBOUND_WEBHOOK_ALLOWED_CIDRS`). */
  allowedCidrs: AllowedCidrs;
  /** One attempt's deadline: connect, answer and body. */
  timeoutMs: number;
  metrics?: WebhookDeliveryMetrics;
}

/** Failure types a delivery is not retried after. */
export const WEBHOOK_FAILURES = {
  EndpointDeleted: 'WebhookEndpointDeleted',
  Refused: 'WebhookDeliveryRefused',
  Failed: 'WebhookDeliveryFailed',
} as const;

export function createWebhookActivities(deps: WebhookActivityDependencies) {
  const { store, secrets, metrics } = deps;
  /** Starts each pending delivery's workflow (once: a repeat starts nothing); how many were pending. */
  const startPending = async (deliveries: WebhookDelivery[]) => {
    const pending = deliveries.filter((delivery) => delivery.status === 'pending');
    for (const delivery of pending) await deps.startDelivery(delivery.id);
    return pending.length;
  };
  return {
    /** The event in the outbox, and a delivery started for each endpoint it is for. */
    async publishEvent(event: OutboundEvent): Promise<number> {
      return startPending(await store.recordOutboundEvent(event, eventBody(event)));
    },

    /**
     * The decision and its events in one transaction (since 0.12.0), then a delivery started for
     * each endpoint they are for; a retry leaves the rows there are and starts what is pending.
     */
    async recordDecisionWithEvents(decision: OnboardingDecision, events: OutboundEvent[]): Promise<number> {
      const { inserted, deliveries } = await store.recordDecisionWithEvents(
        decision,
        events.map((event) => ({ event, body: eventBody(event) })),
      );
      log.info(inserted ? 'Decision recorded' : 'Decision was already recorded', {
        decision: decision.decision,
        decidedByKind: decision.decidedByKind,
        events: events.length,
      });
      return startPending(deliveries);
    },

    /** One attempt at sending a delivery; throws to be retried (or not) by the delivery workflow. */
    async deliverWebhook(deliveryId: string): Promise<'delivered' | 'already_delivered'> {
      const job = await store.deliveryJob(deliveryId);
      if (!job) throw ApplicationFailure.nonRetryable(`no delivery ${deliveryId}`, WEBHOOK_FAILURES.EndpointDeleted);
      const { delivery, endpoint, body } = job;
      if (delivery.status === 'delivered') return 'already_delivered';
      if (endpoint.deletedAt) {
        throw ApplicationFailure.nonRetryable('the endpoint was deleted', WEBHOOK_FAILURES.EndpointDeleted);
      }
      const secret = secrets.open(endpoint.id, endpoint.sealedSecret);
      const result = await postWebhook({
        url: endpoint.url,
        headers: signedHeaders(secret, delivery.eventId, body, new Date()),
        body,
        timeoutMs: deps.timeoutMs,
        allowed: deps.allowedCidrs,
      });
      await store.recordDeliveryAttempt(deliveryId, {
        delivered: result.delivered,
        ...(result.status !== undefined ? { statusCode: result.status } : {}),
        ...(!result.delivered ? { error: result.error } : {}),
      });
      if (result.delivered) {
        metrics?.delivery('delivered', delivery.eventType);
        return 'delivered';
      }
      if (result.retryable) metrics?.delivery('retrying', delivery.eventType);
      log.warn('Webhook delivery attempt failed', {
        deliveryId,
        endpointId: endpoint.id,
        eventType: delivery.eventType,
        attempt: activityInfo().attempt,
        error: result.error,
      });
      throw ApplicationFailure.create({
        message: result.error,
        type: result.retryable ? WEBHOOK_FAILURES.Failed : WEBHOOK_FAILURES.Refused,
        nonRetryable: !result.retryable,
      });
    },

    /** The delivery is given up: its retries ran out, or it can never succeed. */
    async markDeliveryFailed(deliveryId: string, error: string): Promise<void> {
      // Counted once: a retried activity, or a delivery its endpoint's deletion gave up, changes nothing.
      const eventType = await store.markDeliveryFailed(deliveryId, error);
      if (eventType) metrics?.delivery('failed', eventType);
    },
  };
}

export type WebhookActivities = ReturnType<typeof createWebhookActivities>;
