import { type FastifyInstance, type FastifyRequest } from 'fastify';
import { checkTypeSchema, type CheckType } from '../../complycube/schemas';
import { emitCheckEvent, presentCheck, scheduleCompletion } from '../check-lifecycle';
import { ApiError, compact, invalid, notFound } from '../http-errors';
import {
  getOr404,
  newestFirst,
  newId,
  now,
  objectBody,
  oneOf,
  optionalString,
  ownedBy,
  paginate,
  referencedBy,
  requiredId,
  requiredString,
  type Body,
  type Query,
} from '../http-fields';
import { type EmulatorState, type Stored, type StoredCheck } from '../state';

/** The objects a check of `type` runs on, each of which must belong to the client. */
function checkReferences(state: EmulatorState, client: Stored, type: CheckType, body: Body): Record<string, string> {
  if (type === 'identity_fraud_check') {
    return { addressId: referencedBy(state.addresses, body, 'addressId', client.id, 'address').id };
  }
  if (client.type !== 'person') {
    throw invalid('clientId', 'Enhanced identity checks can only be performed on person clients');
  }
  const document = referencedBy(state.documents, body, 'documentId', client.id, 'document');
  if (!document.images.front) {
    throw invalid('documentId', 'The document must have a front image for an enhanced identity check');
  }
  return {
    documentId: document.id,
    liveVideoId: referencedBy(state.liveVideos, body, 'liveVideoId', client.id, 'live video').id,
  };
}

/** `POST /v1/checks`: a pending check, announced and scheduled to complete. */
function createCheck(state: EmulatorState, request: FastifyRequest): StoredCheck {
  const body = objectBody(request);
  const clientId = requiredId(body, 'clientId');
  const client = state.clients.get(clientId);
  if (!client) throw notFound('client', 'clientId');
  const parsedType = checkTypeSchema.safeParse(requiredString(body, 'type'));
  if (!parsedType.success) throw invalid('type', `"type" must be one of ${checkTypeSchema.options.join(', ')}`);
  const type = parsedType.data;
  ownedBy(request, clientId);
  const references = checkReferences(state, client, type, body);
  const t = now();
  const check: StoredCheck = {
    id: newId(),
    clientId,
    entityName: client.entityName,
    type,
    ...references,
    enableMonitoring: typeof body.enableMonitoring === 'boolean' ? body.enableMonitoring : undefined,
    clientConsent: typeof body.clientConsent === 'boolean' ? body.clientConsent : undefined,
    status: 'pending',
    createdAt: t,
    updatedAt: t,
  };
  state.checks.set(check.id, check);
  emitCheckEvent(state, check, 'check.pending');
  scheduleCompletion(state, check);
  return check;
}

export function registerCheckRoutes(app: FastifyInstance, state: EmulatorState): void {
  app.post('/v1/checks', async (request) => presentCheck(createCheck(state, request)));

  app.get<{ Params: { id: string } }>('/v1/checks/:id', async (request) => {
    const check = getOr404(state.checks, request.params.id, 'check');
    ownedBy(request, check.clientId);
    return presentCheck(check);
  });

  app.get<{ Querystring: Query }>('/v1/checks', async (request) => {
    const q = request.query;
    ownedBy(request, q.clientId);
    const filters = ['clientId', 'type', 'status', 'documentId', 'addressId', 'liveVideoId'] as const;
    const items = newestFirst(state.checks.values()).filter((check) =>
      filters.every((name) => q[name] === undefined || check[name] === q[name]),
    );
    return paginate(items.map(presentCheck), q);
  });

  app.post<{ Params: { id: string } }>('/v1/checks/:id/validate', async (request) => {
    const check = getOr404(state.checks, request.params.id, 'check');
    ownedBy(request, check.clientId);
    const body = objectBody(request);
    const outcome = oneOf(body, 'outcome', ['confirmed', 'rejected', 'attention'] as const);
    if (check.status === 'pending') {
      throw new ApiError(422, 'pending_check_unmodifiable', 'A pending check cannot be validated');
    }
    const comment = optionalString(body, 'comment');
    check.validation = compact({ outcome, comment });
    check.updatedAt = now();
    emitCheckEvent(state, check, 'check.updated');
    return compact({ id: check.id, outcome, comment });
  });
}
