import { randomBytes } from 'node:crypto';
import { type FastifyInstance } from 'fastify';
import { checkEventTypeSchema } from '../../complycube/schemas';
import { compact, invalid } from '../http-errors';
import {
  getOr404,
  newestFirst,
  newId,
  now,
  objectBody,
  optionalString,
  paginate,
  requiredString,
  type Body,
  type Query,
} from '../http-fields';
import { type EmulatorState } from '../state';
import { type Webhook } from '../webhook-dispatcher';

/** The secret is shown once, at creation; never again. */
const presentWebhook = ({ secret: _secret, ...webhook }: Webhook) => compact({ ...webhook });

function webhookEvents(body: Body): string[] {
  const events = body.events;
  if (!Array.isArray(events) || events.length === 0) throw invalid('events', '"events" must be a non-empty list');
  const known: readonly string[] = checkEventTypeSchema.options;
  for (const event of events) {
    if (typeof event !== 'string' || !known.includes(event)) {
      throw invalid('events', `"events" may contain only ${known.join(', ')}`);
    }
  }
  return [...new Set(events as string[])];
}

/** The fields a create (`partial` false: url and events required) or an update sets. */
function webhookFields(body: Body, partial: boolean): Partial<Webhook> {
  const fields: Partial<Webhook> = {};
  if (!partial || body.url !== undefined) {
    const url = requiredString(body, 'url');
    if (!/^https?:\/\/[^\s]+$/.test(url)) throw invalid('url', '"url" must be an http or https URL');
    fields.url = url;
  }
  if (!partial || body.events !== undefined) fields.events = webhookEvents(body);
  if (body.enabled !== undefined) {
    if (typeof body.enabled !== 'boolean') throw invalid('enabled', '"enabled" must be a boolean');
    fields.enabled = body.enabled;
  }
  const description = optionalString(body, 'description');
  if (description !== undefined) fields.description = description;
  return fields;
}

/** Stores a webhook; `secret` defaults to a fresh random one, as ComplyCube chooses it. */
export function addWebhook(
  state: EmulatorState,
  fields: Pick<Webhook, 'url' | 'events'> & Partial<Pick<Webhook, 'enabled' | 'description' | 'secret'>>,
): Webhook {
  const t = now();
  const webhook: Webhook = {
    id: newId(),
    url: fields.url,
    events: fields.events,
    enabled: fields.enabled ?? true,
    ...(fields.description ? { description: fields.description } : {}),
    secret: fields.secret ?? randomBytes(24).toString('base64url'),
    createdAt: t,
    updatedAt: t,
  };
  state.webhooks.set(webhook.id, webhook);
  return webhook;
}

export function registerWebhookRoutes(app: FastifyInstance, state: EmulatorState): void {
  app.post('/v1/webhooks', async (request) => {
    const fields = webhookFields(objectBody(request), false);
    const { url, events, enabled, description } = fields;
    return compact({ ...addWebhook(state, { url: url!, events: events!, enabled, description }) });
  });

  app.get<{ Querystring: Query }>('/v1/webhooks', async (request) =>
    paginate(newestFirst(state.webhooks.values()).map(presentWebhook), request.query),
  );

  app.get<{ Params: { id: string } }>('/v1/webhooks/:id', async (request) =>
    presentWebhook(getOr404(state.webhooks, request.params.id, 'webhook')),
  );

  app.post<{ Params: { id: string } }>('/v1/webhooks/:id', async (request) => {
    const webhook = getOr404(state.webhooks, request.params.id, 'webhook');
    Object.assign(webhook, webhookFields(objectBody(request), true), { updatedAt: now() });
    return presentWebhook(webhook);
  });

  app.delete<{ Params: { id: string } }>('/v1/webhooks/:id', async (request, reply) => {
    getOr404(state.webhooks, request.params.id, 'webhook');
    state.webhooks.delete(request.params.id);
    return reply.code(204).send();
  });
}
