import { type FastifyInstance } from 'fastify';
import { compact, invalid } from '../http-errors';
import {
  getOr404,
  newId,
  now,
  objectBody,
  oneOf,
  optionalString,
  ownedBy,
  requiredString,
  type Body,
} from '../http-fields';
import { type EmulatorState, type Stored } from '../state';

function entityName(type: 'person' | 'company', body: Body): string {
  if (type === 'person') {
    const details = body.personDetails;
    if (typeof details !== 'object' || details === null) throw invalid('personDetails', '"personDetails" is required');
    const person = details as Body;
    return `${requiredString(person, 'firstName')} ${requiredString(person, 'lastName')}`;
  }
  const details = body.companyDetails;
  if (typeof details !== 'object' || details === null) throw invalid('companyDetails', '"companyDetails" is required');
  return requiredString(details as Body, 'name');
}

/** `POST /v1/clients`, validated as ComplyCube does. */
export function createClient(state: EmulatorState, body: Body): Stored {
  const type = oneOf(body, 'type', ['person', 'company'] as const);
  const email = requiredString(body, 'email');
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw invalid('email', '"email" must be a valid email address');
  const name = entityName(type, body);
  const t = now();
  const client: Stored = compact({
    id: newId(),
    type,
    entityName: name,
    email,
    mobile: optionalString(body, 'mobile'),
    telephone: optionalString(body, 'telephone'),
    externalId: optionalString(body, 'externalId'),
    joinedDate: optionalString(body, 'joinedDate'),
    personDetails: type === 'person' ? body.personDetails : undefined,
    companyDetails: type === 'company' ? body.companyDetails : undefined,
    createdAt: t,
    updatedAt: t,
  });
  state.clients.set(client.id, client);
  return client;
}

export function registerClientRoutes(app: FastifyInstance, state: EmulatorState): void {
  app.post('/v1/clients', async (request, reply) => {
    const client = createClient(state, objectBody(request));
    ownedBy(request, client.id);
    return reply.code(200).send(client);
  });

  app.get<{ Params: { id: string } }>('/v1/clients/:id', async (request) => {
    const client = getOr404(state.clients, request.params.id, 'client');
    ownedBy(request, client.id);
    return client;
  });

  // As ComplyCube does: the client goes, with everything it holds of them; an empty answer.
  app.delete<{ Params: { id: string } }>('/v1/clients/:id', async (request, reply) => {
    const client = getOr404(state.clients, request.params.id, 'client');
    ownedBy(request, client.id);
    state.clients.delete(client.id);
    const held: Map<string, Stored>[] = [
      state.addresses,
      state.documents,
      state.liveVideos,
      state.livePhotos,
      state.checks,
    ];
    for (const map of held) {
      for (const [id, item] of map) if (item.clientId === client.id) map.delete(id);
    }
    return reply.code(204).send();
  });
}
