/** Outbound webhooks as the API takes and answers them: endpoints and their deliveries (docs/webhooks.md). */
import { z } from 'zod';
import { OUTBOUND_EVENT_TYPES, outboundEventTypeSchema } from '../../workflows/onboarding-contract';

const at = z.string().meta({ description: 'ISO 8601 time' });
const endpointId = z
  .string()
  .regex(/^whe_[0-9a-f]{24}$/, 'must be an endpoint ID such as whe_0123456789abcdef01234567');
const deliveryId = z.string().regex(/^whd_[0-9a-f]{32}$/, 'must be a delivery ID such as whd_ and 32 hex digits');

export const endpointIdParams = z.strictObject({ endpointId });
export const deliveryParams = z.strictObject({ endpointId, deliveryId });

export const createEndpointBodySchema = z
  .strictObject({
    url: z.string().max(2048).meta({ description: 'http(s) URL; private addresses only where allowed' }),
    eventTypes: z
      .array(outboundEventTypeSchema)
      .max(OUTBOUND_EVENT_TYPES.length)
      .refine((types) => new Set(types).size === types.length, 'must not repeat a type')
      .default([])
      .meta({ description: 'The event types to receive; empty or absent: all' }),
    description: z.string().trim().max(200).optional(),
  })
  .meta({ examples: [{ url: 'https://backend.example.com/kyc-events', eventTypes: ['onboarding.decided'] }] });

export const endpointSchema = z.strictObject({
  id: z.string(),
  url: z.string(),
  eventTypes: z.array(outboundEventTypeSchema).meta({ description: 'Empty: every event type' }),
  description: z.string().optional(),
  createdBy: z.string(),
  createdAt: at,
});

export const createdEndpointSchema = endpointSchema
  .extend({
    secret: z.string().meta({
      description: 'The signing secret (Standard Webhooks, whsec_…): shown this once, store it to verify events',
    }),
  })
  .meta({ description: 'Created: the secret is shown only in this answer' });

export const endpointListSchema = z.strictObject({ items: z.array(endpointSchema) });

export const deliverySchema = z.strictObject({
  id: z.string(),
  endpointId: z.string(),
  eventId: z.string().meta({ description: 'The webhook-id header: the same on every attempt and redelivery' }),
  eventType: outboundEventTypeSchema,
  onboardingId: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']).meta({
    description: '`pending`: being tried (or retried); `failed`: retries ran out or the endpoint refused for good',
  }),
  attempts: z.number().int(),
  lastStatusCode: z.number().int().optional(),
  lastError: z.string().optional(),
  lastAttemptAt: at.optional(),
  deliveredAt: at.optional(),
  redeliveries: z.number().int(),
  createdAt: at,
});

export const deliveryListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: deliveryId.optional().meta({ description: 'The last delivery ID of the previous page' }),
});

export const deliveryListSchema = z.strictObject({
  items: z.array(deliverySchema),
  next: z.string().optional().meta({ description: 'Pass as `before` for the next (older) page' }),
});

export const redeliverySchema = z.strictObject({
  delivery: deliverySchema,
  redelivery: z.number().int().meta({ description: 'Which redelivery of this delivery this is' }),
});
