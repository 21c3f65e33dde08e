/**
 * Outbound webhook metrics (docs/webhooks.md). A worker counts delivery attempts through the
 * Temporal SDK's meter (its `/metrics`); the API serves the backlog, read from the store at scrape
 * time, since only the store knows what is still undelivered across the fleet. Labels: event
 * types and outcomes only, never an endpoint's URL or an onboarding's ID.
 */
import type { MetricMeter } from '@temporalio/common';
import { Gauge, type Registry } from 'prom-client';
import { OUTBOUND_EVENT_TYPES } from '../workflows/onboarding-contract';
import { readAtMostEverySecond } from './metrics';

export const WEBHOOK_DELIVERIES = 'kyc_outbound_webhook_deliveries';

/** `delivered`; `retrying`: an attempt failed and will be tried again; `failed`: given up. */
const DELIVERY_OUTCOMES = ['delivered', 'retrying', 'failed'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

export interface WebhookDeliveryMetrics {
  delivery(outcome: DeliveryOutcome, eventType: string): void;
}

export function webhookDeliveryMetricsOn(meter: MetricMeter): WebhookDeliveryMetrics {
  const deliveries = meter.createCounter(
    WEBHOOK_DELIVERIES,
    'attempts',
    'Outbound webhook delivery attempts by outcome and event type',
  );
  // Every series exists from the start at 0, so that the first give-up is an increase an alert sees.
  for (const eventType of OUTBOUND_EVENT_TYPES) {
    for (const outcome of DELIVERY_OUTCOMES) deliveries.add(0, { outcome, event_type: eventType });
  }
  return { delivery: (outcome, eventType) => deliveries.add(1, { outcome, event_type: eventType }) };
}

/** The backlog's gauges on the API's registry, read from `summary` when Prometheus scrapes. */
export function registerWebhookBacklog(
  registry: Registry,
  summary: () => Promise<{ count: number; oldestAgeSeconds: number }>,
): void {
  const read = readAtMostEverySecond(summary);
  new Gauge({
    name: 'kyc_outbound_webhooks_undelivered',
    help: 'Outbound webhook deliveries not yet delivered nor given up',
    registers: [registry],
    async collect() {
      this.set((await read()).count);
    },
  });
  new Gauge({
    name: 'kyc_outbound_webhooks_oldest_undelivered_age_seconds',
    help: 'Age of the oldest outbound webhook delivery not yet delivered nor given up (0 when none)',
    registers: [registry],
    async collect() {
      this.set((await read()).oldestAgeSeconds);
    },
  });
}
