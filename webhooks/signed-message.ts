/**
 * One event as it goes out: the Standard Webhooks body (`type`, `timestamp`, `data`) and its
 * headers (`webhook-id`, `webhook-timestamp`, `webhook-signature`), signed with the kept
 * `standardwebhooks` library. The ID is the event's, the same on every attempt and redelivery; the
 * timestamp is the attempt's, so a receiver's replay window holds for a retry a day later.
 */
import { Webhook } from 'standardwebhooks';
import type { OutboundEvent } from '../workflows/onboarding-contract';

/** The body every endpoint receives for `event`, fixed when the event is recorded. */
export function eventBody(event: OutboundEvent): string {
  return JSON.stringify({
    type: event.type,
    timestamp: event.occurredAt,
    data: {
      eventId: event.id,
      onboardingId: event.onboardingId,
      workflowId: event.workflowId,
      runId: event.runId,
      sequence: event.sequence,
      ...event.data,
    },
  });
}

/** The headers of one attempt at sending `body` as `eventId`. */
export function signedHeaders(secret: string, eventId: string, body: string, at: Date): Record<string, string> {
  return {
    'webhook-id': eventId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(eventId, at, body),
  };
}
