/** ComplyCube's webhook: verified, de-duplicated, and forwarded to the run that created the check. */
import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { checkEventPayloadSchema, webhookEventSchema } from '../../complycube/schemas';
import { isValidWebhookSignature, SIGNATURE_HEADER } from '../../complycube/webhook-signature';
import { checkCompletedSignal } from '../../workflows/onboarding-contract';
import type { ApiContext } from '../context';
import { HttpError } from '../errors';

export function complyCubeWebhookRoutes(app: FastifyInstance, context: ApiContext): void {
  const { temporal, store, withDeadline } = context;

  app.post('/webhooks/complycube', async (request, reply: FastifyReply) => {
    const secret = context.webhookSecret();
    if (!secret) throw new HttpError(503, 'webhook_not_configured', 'COMPLYCUBE_WEBHOOK_SECRET is not set');
    const signature = request.headers[SIGNATURE_HEADER];
    if (
      !request.rawBody ||
      !isValidWebhookSignature(request.rawBody, typeof signature === 'string' ? signature : undefined, secret)
    ) {
      request.log.warn('Webhook with a missing or invalid signature');
      throw new HttpError(401, 'invalid_signature', 'Missing or invalid ComplyCube-Signature');
    }
    const event = webhookEventSchema.safeParse(request.body);
    if (!event.success) throw new HttpError(400, 'invalid_event', 'Not a ComplyCube event');
    const { id: eventId, type } = event.data;
    const log = request.log.child({ eventId, eventType: type });

    if (await store.hasWebhookEvent(eventId)) {
      log.info('Duplicate webhook event');
      return reply.code(200).send({ received: true, duplicate: true });
    }
    const forwards = type === 'check.failed' || type === 'check.completed' || type.startsWith('check.completed.');
    const payload = checkEventPayloadSchema.safeParse(event.data.payload);
    if (!forwards || event.data.resourceType !== 'check' || !payload.success) {
      log.info('Webhook event not routed');
      await store.recordWebhookEvent(eventId, type);
      return reply.code(200).send({ received: true, routed: false });
    }
    const mapping = await store.findCheck(payload.data.id);
    if (!mapping) {
      log.warn({ checkId: payload.data.id }, 'Webhook event for a check no onboarding knows');
      await store.recordWebhookEvent(eventId, type);
      return reply.code(200).send({ received: true, routed: false });
    }
    try {
      await withDeadline(() =>
        temporal.workflow.getHandle(mapping.workflowId, mapping.runId).signal(checkCompletedSignal, {
          checkId: payload.data.id,
          status: payload.data.status,
          ...(payload.data.outcome ? { outcome: payload.data.outcome } : {}),
          eventId,
        }),
      );
    } catch (error) {
      // The run has ended: nothing is waiting for this event any more.
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      log.info({ workflowId: mapping.workflowId }, 'Webhook event for a finished onboarding');
    }
    // Only now is it handled: an event acknowledged before reaching Temporal could be lost.
    await store.recordWebhookEvent(eventId, type);
    log.info({ checkId: payload.data.id, workflowId: mapping.workflowId }, 'Webhook event routed');
    return reply.code(200).send({ received: true, routed: true });
  });
}
