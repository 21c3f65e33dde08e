import { type FastifyInstance } from 'fastify';
import { compact, invalid, notFound } from '../http-errors';
import {
  getOr404,
  newId,
  now,
  objectBody,
  optionalString,
  ownedBy,
  requiredId,
  requiredString,
  type Body,
} from '../http-fields';
import { type EmulatorState, type Stored } from '../state';

/** `POST /v1/addresses`, validated as ComplyCube does. */
export function createAddress(state: EmulatorState, body: Body): Stored {
  const clientId = requiredId(body, 'clientId');
  if (!state.clients.has(clientId)) throw notFound('client', 'clientId');
  const line = requiredString(body, 'line');
  const city = requiredString(body, 'city');
  const country = requiredString(body, 'country');
  if (!/^[A-Z]{2}$/.test(country)) throw invalid('country', '"country" must be an ISO 3166-1 alpha-2 code');
  const t = now();
  const address: Stored = compact({
    id: newId(),
    clientId,
    type: optionalString(body, 'type') ?? 'main',
    propertyNumber: optionalString(body, 'propertyNumber'),
    buildingName: optionalString(body, 'buildingName'),
    line,
    city,
    state: optionalString(body, 'state'),
    postalCode: optionalString(body, 'postalCode'),
    country,
    createdAt: t,
    updatedAt: t,
  });
  state.addresses.set(address.id, address);
  return address;
}

export function registerAddressRoutes(app: FastifyInstance, state: EmulatorState): void {
  app.post('/v1/addresses', async (request) => {
    const address = createAddress(state, objectBody(request));
    ownedBy(request, address.clientId as string);
    return address;
  });

  app.get<{ Params: { id: string } }>('/v1/addresses/:id', async (request) => {
    const address = getOr404(state.addresses, request.params.id, 'address');
    ownedBy(request, address.clientId as string);
    return address;
  });
}
