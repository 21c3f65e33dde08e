/**
 * Outbound webhooks in the store: endpoints (their secrets sealed by the caller), the outbox of
 * events runs emitted, and one delivery per endpoint and event with its attempts. Writing an event
 * twice (a retried activity) keeps one event and one delivery per endpoint: the delivery's ID is
 * derived from the pair, and so is the delivery workflow's.
 */
import type { OutboundEvent, OutboundEventType } from '../workflows/onboarding-contract';
import { DELIVERY_SELECT, deliveryOf, insertOutboundEvents, iso, type DeliveryRow } from './outbox';
import { storableText, type Sql } from './sql';

export interface WebhookEndpoint {
  id: string;
  url: string;
  /** Empty: every event type. */
  eventTypes: OutboundEventType[];
  description?: string;
  sealedSecret: string;
  createdBy: string;
  createdAt: string;
  deletedAt?: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: OutboundEventType;
  onboardingId: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode?: number;
  lastError?: string;
  lastAttemptAt?: string;
  deliveredAt?: string;
  redeliveries: number;
  createdAt: string;
}

/** A delivery with what sending it needs: the endpoint and the event's fixed body. */
export interface DeliveryJob {
  delivery: WebhookDelivery;
  endpoint: WebhookEndpoint;
  body: string;
}

/** One attempt's outcome. */
export interface DeliveryAttempt {
  delivered: boolean;
  statusCode?: number;
  error?: string;
}

export interface OutboundWebhooks {
  /** The endpoint created; undefined when one with this ID exists already (an idempotent retry). */
  createWebhookEndpoint(
    endpoint: Omit<WebhookEndpoint, 'createdAt' | 'deletedAt'>,
  ): Promise<WebhookEndpoint | undefined>;
  /** An endpoint, deleted or not; undefined when it never existed. */
  webhookEndpoint(id: string): Promise<WebhookEndpoint | undefined>;
  /** The endpoints not deleted, oldest first. */
  webhookEndpoints(): Promise<WebhookEndpoint[]>;
  /** Deletes it (kept, marked, for its deliveries' record); false when there was none to delete. */
  deleteWebhookEndpoint(id: string): Promise<boolean>;
  /** The event in the outbox and a delivery for each endpoint it is for; every delivery of the event. */
  recordOutboundEvent(event: OutboundEvent, body: string): Promise<WebhookDelivery[]>;
  deliveryJob(deliveryId: string): Promise<DeliveryJob | undefined>;
  recordDeliveryAttempt(deliveryId: string, attempt: DeliveryAttempt): Promise<void>;
  /** Gives a pending delivery up; its event type when it was pending, undefined when it was not. */
  markDeliveryFailed(deliveryId: string, error: string): Promise<OutboundEventType | undefined>;
  /** An endpoint's deliveries, newest first, a page at a time. */
  webhookDeliveries(endpointId: string, page: { limit: number; before?: string }): Promise<WebhookDelivery[]>;
  webhookDelivery(endpointId: string, deliveryId: string): Promise<WebhookDelivery | undefined>;
  /** Puts a delivery back to pending for a redelivery; the number of this redelivery. */
  requeueDelivery(deliveryId: string): Promise<number>;
  /** Deliveries not yet delivered nor given up, and the age of the oldest, in seconds. */
  undeliveredSummary(): Promise<{ count: number; oldestAgeSeconds: number }>;
}

interface EndpointRow {
  id: string;
  url: string;
  event_types: string[];
  description: string | null;
  sealed_secret: string;
  created_by: string;
  created_at: Date;
  deleted_at: Date | null;
}

function endpointOf(row: EndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    url: row.url,
    eventTypes: row.event_types as OutboundEventType[],
    ...(row.description !== null ? { description: row.description } : {}),
    sealedSecret: row.sealed_secret,
    createdBy: row.created_by,
    createdAt: iso(row.created_at),
    ...(row.deleted_at ? { deletedAt: iso(row.deleted_at) } : {}),
  };
}

export function outboundWebhooks(sql: Sql): OutboundWebhooks {
  const endpointById = async (id: string) => {
    const { rows } = await sql.query<EndpointRow>('SELECT * FROM webhook_endpoints WHERE id = $1', [id]);
    return rows[0] ? endpointOf(rows[0]) : undefined;
  };
  const deliveryById = async (id: string) => {
    const { rows } = await sql.query<DeliveryRow>(`${DELIVERY_SELECT} WHERE d.id = $1`, [id]);
    return rows[0] ? deliveryOf(rows[0]) : undefined;
  };
  return {
    async createWebhookEndpoint(endpoint) {
      const { rows } = await sql.query<EndpointRow>(
        `INSERT INTO webhook_endpoints (id, url, event_types, description, sealed_secret, created_by)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING RETURNING *`,
        [
          endpoint.id,
          endpoint.url,
          endpoint.eventTypes,
          endpoint.description === undefined ? null : storableText(endpoint.description),
          endpoint.sealedSecret,
          storableText(endpoint.createdBy),
        ],
      );
      return rows[0] ? endpointOf(rows[0]) : undefined;
    },
    webhookEndpoint: endpointById,
    async webhookEndpoints() {
      const { rows } = await sql.query<EndpointRow>(
        'SELECT * FROM webhook_endpoints WHERE deleted_at IS NULL ORDER BY created_at, id',
      );
      return rows.map(endpointOf);
    },
    async deleteWebhookEndpoint(id) {
      return sql.transaction(async (tx) => {
        const { rows } = await tx.query(
          'UPDATE webhook_endpoints SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL RETURNING id',
          [id],
        );
        // Its pending deliveries are given up now, not at their next attempt (up to an hour away).
        await tx.query(
          `UPDATE webhook_deliveries SET status = 'failed', last_error = 'the endpoint was deleted'
            WHERE endpoint_id = $1 AND status = 'pending'`,
          [id],
        );
        return rows.length === 1;
      });
    },
    async recordOutboundEvent(event, body) {
      return sql.transaction((tx) => insertOutboundEvents(tx, [{ event, body }]));
    },
    async deliveryJob(deliveryId) {
      const delivery = await deliveryById(deliveryId);
      if (!delivery) return undefined;
      const endpoint = await endpointById(delivery.endpointId);
      const { rows } = await sql.query<{ body: string }>('SELECT body FROM outbound_events WHERE id = $1', [
        delivery.eventId,
      ]);
      return endpoint && rows[0] ? { delivery, endpoint, body: rows[0].body } : undefined;
    },
    async recordDeliveryAttempt(deliveryId, attempt) {
      await sql.query(
        `UPDATE webhook_deliveries
            SET attempts = attempts + 1, last_attempt_at = now(), last_status_code = $2, last_error = $3,
                status = CASE WHEN $4 THEN 'delivered' ELSE status END,
                delivered_at = CASE WHEN $4 THEN now() ELSE delivered_at END
          WHERE id = $1`,
        [
          deliveryId,
          attempt.statusCode ?? null,
          attempt.error ? storableText(attempt.error).slice(0, 500) : null,
          attempt.delivered,
        ],
      );
    },
    async markDeliveryFailed(deliveryId, error) {
      const { rows } = await sql.query<{ type: OutboundEventType }>(
        `UPDATE webhook_deliveries d
            SET status = 'failed',
                last_error = left(CASE WHEN last_error IS NULL OR last_error = $2 THEN $2 ELSE $2 || '; last attempt: ' || last_error END, 500)
           FROM outbound_events e
          WHERE d.id = $1 AND d.status = 'pending' AND e.id = d.event_id
          RETURNING e.type`,
        [deliveryId, storableText(error).slice(0, 500)],
      );
      return rows[0]?.type;
    },
    async webhookDeliveries(endpointId, page) {
      const { rows } = await sql.query<DeliveryRow>(
        `${DELIVERY_SELECT} WHERE d.endpoint_id = $1
            AND ($2::text IS NULL OR (d.created_at, d.id) < (SELECT created_at, id FROM webhook_deliveries WHERE id = $2))
          ORDER BY d.created_at DESC, d.id DESC LIMIT $3`,
        [endpointId, page.before ?? null, page.limit],
      );
      return rows.map(deliveryOf);
    },
    async webhookDelivery(endpointId, deliveryId) {
      const delivery = await deliveryById(deliveryId);
      return delivery?.endpointId === endpointId ? delivery : undefined;
    },
    async requeueDelivery(deliveryId) {
      const { rows } = await sql.query<{ redeliveries: number }>(
        `UPDATE webhook_deliveries SET status = 'pending', redeliveries = redeliveries + 1, pending_since = now()
          WHERE id = $1 RETURNING redeliveries`,
        [deliveryId],
      );
      return rows[0]?.redeliveries ?? 0;
    },
    async undeliveredSummary() {
      const { rows } = await sql.query<{ count: string; oldest: Date | null }>(
        `SELECT count(*) AS count, min(pending_since) AS oldest FROM webhook_deliveries WHERE status = 'pending'`,
      );
      const oldest = rows[0]?.oldest;
      return {
        count: Number(rows[0]?.count ?? 0),
        oldestAgeSeconds: oldest ? Math.max(0, (Date.now() - new Date(oldest).getTime()) / 1000) : 0,
      };
    },
  };
}
