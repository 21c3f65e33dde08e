/**
 * The outbox's writes and delivery rows, shared by the outbound webhooks' store and the decision's
 * write (`decisions.ts`), which puts the decision's events in the outbox in its own transaction.
 */
import { createHash } from 'node:crypto';
import type { OutboundEvent, OutboundEventType } from '../workflows/onboarding-contract';
import type { DeliveryStatus, WebhookDelivery } from './outbound-webhooks';
import type { Sql } from './sql';

/** The delivery of `eventId` to `endpointId`: the same ID however often the event is recorded. */
export const deliveryIdOf = (endpointId: string, eventId: string) =>
  `whd_${createHash('sha256').update(`${endpointId}\n${eventId}`).digest('hex').slice(0, 32)}`;

export interface DeliveryRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  type: string;
  onboarding_id: string;
  status: DeliveryStatus;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  last_attempt_at: Date | null;
  delivered_at: Date | null;
  redeliveries: number;
  created_at: Date;
}

export const iso = (at: Date) => new Date(at).toISOString();

export function deliveryOf(row: DeliveryRow): WebhookDelivery {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventType: row.type as OutboundEventType,
    onboardingId: row.onboarding_id,
    status: row.status,
    attempts: row.attempts,
    ...(row.last_status_code !== null ? { lastStatusCode: row.last_status_code } : {}),
    ...(row.last_error !== null ? { lastError: row.last_error } : {}),
    ...(row.last_attempt_at ? { lastAttemptAt: iso(row.last_attempt_at) } : {}),
    ...(row.delivered_at ? { deliveredAt: iso(row.delivered_at) } : {}),
    redeliveries: row.redeliveries,
    createdAt: iso(row.created_at),
  };
}

export const DELIVERY_SELECT = `SELECT d.*, e.type, e.onboarding_id FROM webhook_deliveries d JOIN outbound_events e ON e.id = d.event_id`;

/**
 * `events` in the outbox, each with a delivery for each endpoint subscribed to it, inside the
 * caller's transaction `tx`; an event already there is left as it is. Their deliveries, whatever
 * their status, in the events' order. One look at the endpoints serves every event.
 */
export async function insertOutboundEvents(
  tx: Pick<Sql, 'query'>,
  events: { event: OutboundEvent; body: string }[],
): Promise<WebhookDelivery[]> {
  for (const { event, body } of events) {
    const { id, type, onboardingId, workflowId, runId, sequence, occurredAt } = event;
    await tx.query(
      `INSERT INTO outbound_events (id, type, onboarding_id, workflow_id, run_id, sequence, occurred_at, body)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
      [id, type, onboardingId, workflowId, runId, sequence, occurredAt, body],
    );
  }
  const { rows: endpoints } = await tx.query<{ id: string; event_types: string[] }>(
    'SELECT id, event_types FROM webhook_endpoints WHERE deleted_at IS NULL',
  );
  for (const { event } of events) {
    for (const endpoint of endpoints) {
      if (endpoint.event_types.length > 0 && !endpoint.event_types.includes(event.type)) continue;
      await tx.query(
        `INSERT INTO webhook_deliveries (id, endpoint_id, event_id) VALUES ($1, $2, $3)
         ON CONFLICT (endpoint_id, event_id) DO NOTHING`,
        [deliveryIdOf(endpoint.id, event.id), endpoint.id, event.id],
      );
    }
  }
  const { rows } = await tx.query<DeliveryRow>(
    `${DELIVERY_SELECT} WHERE d.event_id = ANY ($1::text[]) ORDER BY e.sequence, d.id`,
    [events.map(({ event }) => event.id)],
  );
  return rows.map(deliveryOf);
}
