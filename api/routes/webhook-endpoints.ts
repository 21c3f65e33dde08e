/**
 * The onboarding backend's webhook endpoints (docs/webhooks.md): registered with a URL and the
 * event types wanted, answered once with the signing secret, listed with their deliveries, and
 * redelivered on demand. Service tokens only: the backend manages where its own events go.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { WebhookDelivery, WebhookEndpoint } from '../../store/outbound-webhooks';
import { checkWebhookUrl } from '../../webhooks/address-guard';
import { newEndpointSecret } from '../../webhooks/endpoint-secrets';
import { startDeliveryWorkflow } from '../../webhooks/start-delivery';
import { webhookDeliveryWorkflowId } from '../../workflows/onboarding-contract';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { ApiContext } from '../context';
import { derivedId, idempotencyKeyOf, REPLAYED_HEADER } from '../idempotency';
import { HttpError } from '../errors';
import { AUTH_ERRORS, errors, idempotencyHeaders, UNAVAILABLE } from '../schemas/common';
import {
  createdEndpointSchema,
  createEndpointBodySchema,
  deliveryListQuery,
  deliveryListSchema,
  deliveryParams,
  endpointIdParams,
  endpointListSchema,
  endpointSchema,
  redeliverySchema,
} from '../schemas/webhooks';
import type { RouteGroup } from './plugin';

const NOT_FOUND = 'endpoint_not_found: no such endpoint (or it was deleted)';
const ROUTE = 'POST /v1/webhook-endpoints';

/** An endpoint as the API shows it: never its secret. */
const shown = ({ sealedSecret: _sealed, deletedAt: _deleted, ...endpoint }: WebhookEndpoint) => endpoint;

async function liveEndpoint(context: ApiContext, id: string): Promise<WebhookEndpoint> {
  const endpoint = await context.store.webhookEndpoint(id);
  if (!endpoint || endpoint.deletedAt)
    throw new HttpError(404, 'endpoint_not_found', 'No webhook endpoint with this ID');
  return endpoint;
}

export const webhookEndpointRoutes: RouteGroup = async (app, { context }) => {
  const service = context.requireRole('service');

  app.post(
    '/v1/webhook-endpoints',
    {
      onRequest: service,
      schema: {
        summary:
          'Registers a webhook endpoint; the answer holds its signing secret. With an Idempotency-Key, a retry ' +
          'answers the same endpoint and secret (200) instead of making a second one',
        headers: idempotencyHeaders,
        body: createEndpointBodySchema,
        response: {
          201: createdEndpointSchema,
          200: createdEndpointSchema.meta({ description: 'The endpoint this Idempotency-Key created before' }),
          ...errors({
            400: 'Invalid body; or url_not_allowed: not http(s), or it resolves to an address not allowed (SSRF guard)',
            ...AUTH_ERRORS,
            409: 'endpoint_deleted: the endpoint this Idempotency-Key created was deleted since',
            422: 'idempotency_key_reused: the key created an endpoint with another URL, event types or description',
            503: `${UNAVAILABLE}; or codec_unavailable: no PAYLOAD_CODEC_KEYS to seal the secret with`,
          }),
        },
      },
    },
    async (request, reply) => {
      const { secrets, allowedCidrs } = context.webhooks;
      if (!secrets) {
        throw new HttpError(503, 'codec_unavailable', 'This API has no PAYLOAD_CODEC_KEYS to seal the secret with');
      }
      const checked = await checkWebhookUrl(request.body.url, allowedCidrs);
      if (!checked.ok) throw new HttpError(400, 'url_not_allowed', checked.problem);
      // With a key, the endpoint's ID is the key's: a retry finds what the first attempt made.
      const key = idempotencyKeyOf(request);
      const id = key
        ? derivedId('whe', ROUTE, request, key).replace(/^whe-/, 'whe_').slice(0, 28)
        : `whe_${randomBytes(12).toString('hex')}`;
      const secret = newEndpointSecret();
      const wanted = {
        url: checked.url.href,
        eventTypes: request.body.eventTypes,
        ...(request.body.description ? { description: request.body.description } : {}),
      };
      const created = await context.store.createWebhookEndpoint({
        id,
        ...wanted,
        sealedSecret: secrets.seal(id, secret),
        createdBy: request.principal!.name,
      });
      if (created) {
        request.log.info({ endpointId: id, host: checked.url.host }, 'Webhook endpoint created');
        return reply.code(201).send({ ...shown(created), secret });
      }
      const earlier = (await context.store.webhookEndpoint(id))!;
      if (earlier.deletedAt) throw new HttpError(409, 'endpoint_deleted', 'The endpoint this key created was deleted');
      const same =
        earlier.url === wanted.url &&
        earlier.eventTypes.join() === wanted.eventTypes.join() &&
        earlier.description === wanted.description;
      if (!same)
        throw new HttpError(422, 'idempotency_key_reused', 'This Idempotency-Key was used for another endpoint');
      const replayed = { ...shown(earlier), secret: secrets.open(id, earlier.sealedSecret) };
      return reply.header(REPLAYED_HEADER, 'true').code(200).send(replayed);
    },
  );

  app.get(
    '/v1/webhook-endpoints',
    {
      onRequest: service,
      schema: {
        summary: 'The webhook endpoints, oldest first',
        response: { 200: endpointListSchema, ...errors({ ...AUTH_ERRORS, 503: UNAVAILABLE }) },
      },
    },
    async () => ({ items: (await context.store.webhookEndpoints()).map(shown) }),
  );

  app.get(
    '/v1/webhook-endpoints/:endpointId',
    {
      onRequest: service,
      schema: {
        summary: 'One webhook endpoint (never its secret)',
        params: endpointIdParams,
        response: { 200: endpointSchema, ...errors({ 400: 'Not an endpoint ID', ...AUTH_ERRORS, 404: NOT_FOUND }) },
      },
    },
    async (request) => shown(await liveEndpoint(context, request.params.endpointId)),
  );

  app.delete(
    '/v1/webhook-endpoints/:endpointId',
    {
      onRequest: service,
      schema: {
        summary: 'Deletes a webhook endpoint: nothing more is sent to it, its pending deliveries are given up',
        params: endpointIdParams,
        response: {
          204: z.undefined().meta({ description: 'Deleted' }),
          ...errors({ 400: 'Not an endpoint ID', ...AUTH_ERRORS, 404: NOT_FOUND }),
        },
      },
    },
    async (request, reply) => {
      const deleted = await context.store.deleteWebhookEndpoint(request.params.endpointId);
      if (!deleted) throw new HttpError(404, 'endpoint_not_found', 'No webhook endpoint with this ID');
      request.log.info({ endpointId: request.params.endpointId }, 'Webhook endpoint deleted');
      return reply.code(204).send(undefined);
    },
  );

  app.get(
    '/v1/webhook-endpoints/:endpointId/deliveries',
    {
      onRequest: service,
      schema: {
        summary: "An endpoint's deliveries, newest first: status, attempts and the last error",
        params: endpointIdParams,
        querystring: deliveryListQuery,
        response: {
          200: deliveryListSchema,
          ...errors({ 400: 'Invalid query, or invalid_cursor', ...AUTH_ERRORS, 404: 'endpoint_not_found' }),
        },
      },
    },
    async (request) => {
      const { endpointId } = request.params;
      const endpoint = await context.store.webhookEndpoint(endpointId);
      if (!endpoint) throw new HttpError(404, 'endpoint_not_found', 'No webhook endpoint with this ID');
      const { limit, before } = request.query;
      if (before && !(await context.store.webhookDelivery(endpointId, before))) {
        throw new HttpError(400, 'invalid_cursor', 'before must be a delivery ID of this endpoint');
      }
      const items = await context.store.webhookDeliveries(endpointId, { limit, ...(before ? { before } : {}) });
      return { items, ...(items.length === limit ? { next: items.at(-1)!.id } : {}) };
    },
  );

  app.post(
    '/v1/webhook-endpoints/:endpointId/deliveries/:deliveryId/redeliver',
    {
      onRequest: service,
      schema: {
        summary: 'Sends a delivery again (same event ID), with retries as the first time',
        params: deliveryParams,
        response: {
          202: redeliverySchema,
          ...errors({
            400: 'Not an endpoint or delivery ID',
            ...AUTH_ERRORS,
            404: `${NOT_FOUND}; or delivery_not_found`,
            409: 'delivery_in_progress: it is still being tried; wait for it to end',
            503: UNAVAILABLE,
          }),
        },
      },
    },
    async (request, reply) => {
      const { endpointId, deliveryId } = request.params;
      await liveEndpoint(context, endpointId);
      const delivery = await context.store.webhookDelivery(endpointId, deliveryId);
      if (!delivery) throw new HttpError(404, 'delivery_not_found', 'No delivery with this ID for this endpoint');
      if (await stillTrying(context, delivery)) {
        throw new HttpError(409, 'delivery_in_progress', 'This delivery is still being tried; wait for it to end');
      }
      const redelivery = await context.store.requeueDelivery(deliveryId);
      try {
        await context.withDeadline(() =>
          startDeliveryWorkflow(context.temporal, {
            taskQueue: context.taskQueue,
            deliveryId,
            retryFor: context.webhooks.retryFor,
            redelivery,
          }),
        );
      } catch (error) {
        // Nothing will try it: the row says so rather than stay pending, and the redelivery can be asked again.
        await context.store.markDeliveryFailed(deliveryId, 'the redelivery could not be started');
        throw error;
      }
      request.log.info({ endpointId, deliveryId, redelivery }, 'Webhook redelivery started');
      const requeued = (await context.store.webhookDelivery(endpointId, deliveryId))!;
      return reply.code(202).send({ delivery: requeued, redelivery });
    },
  );
};

/** Whether the delivery's latest workflow is still running (its attempts go on); Temporal away is thrown. */
async function stillTrying(context: ApiContext, delivery: WebhookDelivery): Promise<boolean> {
  if (delivery.status !== 'pending') return false;
  const handle = context.temporal.workflow.getHandle(webhookDeliveryWorkflowId(delivery.id, delivery.redeliveries));
  try {
    const description = await context.withDeadline(() => handle.describe());
    return description.status.name === 'RUNNING';
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}
