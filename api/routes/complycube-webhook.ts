/**
 * ComplyCube's webhook: verified, claimed once across every API process, and forwarded to the run
 * that created the check, or held until a run adopts the check. docs/edges.md explains.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { checkEventPayloadSchema, webhookEventSchema } from '../../complycube/schemas';
import { isValidWebhookSignature, SIGNATURE_HEADER } from '../../complycube/webhook-signature';
import { checkCompletedSignal } from '../../workflows/onboarding-contract';
import type { ApiContext } from '../context';
import { HttpError } from '../errors';
import { errors, UNAVAILABLE } from '../schemas/common';
import { webhookAckSchema, webhookHeadersSchema } from '../schemas/service';
import type { RouteGroup } from './plugin';

export const WEBHOOK_PATH = '/webhooks/complycube';

/** What the store can keep: printable IDs and types of sane length. */
const usableEventSchema = webhookEventSchema.extend({
  id: z.string().regex(/^[\x21-\x7e]{1,128}$/),
  type: z.string().regex(/^[a-z0-9._-]{1,64}$/),
});

/** How long a second delivery of an event waits for the first to be forwarded. */
const DUPLICATE_WAIT_MS = 5_000;

type WebhookAck = z.infer<typeof webhookAckSchema>;

const FORWARDED = (type: string) =>
  type === 'check.failed' || type === 'check.completed' || type.startsWith('check.completed.');

const schema = {
  summary: "ComplyCube's webhook (signed with ComplyCube-Signature; no bearer token)",
  description:
    'The body is checked against its signature before anything reads it, so it is not declared: a signed ' +
    'body that is not a usable event is acknowledged (ignored) rather than refused, or ComplyCube would retry it.',
  security: [],
  headers: webhookHeadersSchema,
  response: {
    200: webhookAckSchema.meta({
      description:
        'Handled: routed, duplicate, held (for a check no run has adopted yet), not routed, ' +
        'or ignored (signed but not a usable event)',
    }),
    ...errors({
      401: 'invalid_signature: missing or invalid ComplyCube-Signature',
      503:
        `${UNAVAILABLE}; event_in_progress: the same event is being handled; ` +
        'webhook_not_configured: no webhook secret. ComplyCube retries.',
    }),
  },
};

export const complyCubeWebhookRoutes: RouteGroup = async (app, { context }) => {
  app.post(WEBHOOK_PATH, { schema }, async (request) => receiveWebhook(context, request));
};

/** Verifies the event, claims it once, and forwards it; a claim not forwarded is given back. */
async function receiveWebhook(context: ApiContext, request: FastifyRequest): Promise<WebhookAck> {
  verifySignature(context, request);
  // Signed, so ComplyCube's: answering anything but 2xx would only make it retry what cannot work.
  const ignore = (reason: string): WebhookAck => {
    request.log.warn({ reason }, 'Signed webhook body ignored');
    context.metrics.webhook('ignored');
    return { received: true, ignored: reason };
  };
  if (request.invalidJson) return ignore('not_json');
  const event = usableEventSchema.safeParse(request.body);
  if (!event.success) return ignore('not_an_event');
  const { id: eventId, type } = event.data;
  const log = request.log.child({ eventId, eventType: type });
  const payload = checkEventPayloadSchema.safeParse(event.data.payload);
  if (!FORWARDED(type) || event.data.resourceType !== 'check' || !payload.success) {
    log.info('Webhook event not routed');
    context.metrics.webhook('not_routed');
    return { received: true, routed: false };
  }

  const claimed = await claim(context, eventId, type);
  if (claimed === 'settled') {
    log.info('Duplicate webhook event');
    context.metrics.webhook('duplicate');
    return { received: true, duplicate: true };
  }
  if (claimed === 'in_progress') {
    throw new HttpError(503, 'event_in_progress', 'This event is being handled by another request; retry later');
  }
  try {
    return await forward(context, log, eventId, payload.data);
  } catch (error) {
    // Not forwarded: give the claim back, so ComplyCube's redelivery tries again.
    context.metrics.webhook('failed');
    await context.store.releaseWebhookEvent(eventId).catch(() => undefined);
    throw error;
  }
}

/** Throws unless the body is exactly what ComplyCube signed with the configured secret. */
function verifySignature(context: ApiContext, request: FastifyRequest): void {
  const secret = context.webhookSecret();
  if (!secret) throw new HttpError(503, 'webhook_not_configured', 'COMPLYCUBE_WEBHOOK_SECRET is not set');
  const signature = request.headers[SIGNATURE_HEADER];
  if (
    !request.rawBody ||
    !isValidWebhookSignature(request.rawBody, typeof signature === 'string' ? signature : undefined, secret)
  ) {
    request.log.warn('Webhook with a missing or invalid signature');
    context.metrics.webhook('refused');
    throw new HttpError(401, 'invalid_signature', 'Missing or invalid ComplyCube-Signature');
  }
}

/** Claims the event, waiting a little while another request forwards it. */
async function claim({ store }: ApiContext, eventId: string, type: string) {
  const until = Date.now() + DUPLICATE_WAIT_MS;
  for (;;) {
    const result = await store.claimWebhookEvent(eventId, type);
    if (result !== 'in_progress' || Date.now() > until) return result;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Signals the run that created the check, or holds the event until a run adopts the check. */
async function forward(
  context: ApiContext,
  log: FastifyBaseLogger,
  eventId: string,
  check: z.infer<typeof checkEventPayloadSchema>,
): Promise<WebhookAck> {
  const { temporal, store, withDeadline } = context;
  let mapping = await store.findCheck(check.id);
  if (!mapping) {
    // No run has this check yet (its create's answer was lost): hold the event for the run that
    // adopts it, then look again, so an adoption in between cannot miss it.
    await store.holdCheckEvent({
      eventId,
      checkId: check.id,
      status: check.status,
      ...(check.outcome ? { outcome: check.outcome } : {}),
    });
    mapping = await store.findCheck(check.id);
    if (!mapping) {
      await store.settleWebhookEvent(eventId, 'held');
      log.info({ checkId: check.id }, 'Webhook event held for a check no run has adopted yet');
      context.metrics.webhook('held');
      return { received: true, held: true };
    }
    await store.takeHeldCheckEvents(check.id);
  }
  try {
    await withDeadline(() =>
      temporal.workflow.getHandle(mapping.workflowId, mapping.runId).signal(checkCompletedSignal, {
        checkId: check.id,
        status: check.status,
        ...(check.outcome ? { outcome: check.outcome } : {}),
        eventId,
      }),
    );
  } catch (error) {
    // The run has ended: nothing is waiting for this event any more.
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    log.info({ workflowId: mapping.workflowId }, 'Webhook event for a finished onboarding');
  }
  // Only now is it handled: an event acknowledged before reaching Temporal could be lost.
  await store.settleWebhookEvent(eventId, 'handled');
  log.info({ checkId: check.id, workflowId: mapping.workflowId }, 'Webhook event routed');
  context.metrics.webhook('routed');
  return { received: true, routed: true };
}
