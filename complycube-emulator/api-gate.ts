import { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ApiError, sendError, tooManyRequests } from './http-errors';
import { newId, now } from './http-fields';
import { type EmulatorState, type Fault, type FaultRule } from './state';

/** `POST /_emulator/faults`: one fault and which calls it matches. */
export const faultBodySchema = z.intersection(
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('rate_limit'), retryAfterSeconds: z.number().int().min(0).optional() }),
    z.strictObject({
      kind: z.literal('error'),
      status: z.number().int().min(400).max(599),
      type: z.string().optional(),
      message: z.string().optional(),
    }),
    z.strictObject({ kind: z.literal('delay'), delayMs: z.number().int().min(0) }),
    z.strictObject({ kind: z.literal('drop_response') }),
  ]),
  z.object({
    count: z.number().int().min(1).default(1),
    method: z.enum(['GET', 'POST', 'DELETE']).optional(),
    path: z.string().startsWith('/').optional(),
  }),
);

/** The default error type for an injected status, as ComplyCube names them. */
function defaultErrorType(status: number): string {
  const types: Record<number, string> = {
    400: 'invalid_request',
    401: 'unauthorized',
    402: 'payment_required',
    403: 'unauthorized',
    404: 'resource_not_found',
    413: 'request_too_large',
    422: 'processing_error',
    429: 'rate_limit_exceeded',
  };
  return types[status] ?? 'internal_server_error';
}

/** Queues a fault for the next matching API calls. */
export function addFault(state: EmulatorState, body: z.infer<typeof faultBodySchema>): FaultRule {
  const { count, method, path, ...spec } = body;
  const fault: Fault =
    spec.kind === 'error'
      ? {
          kind: 'error',
          status: spec.status,
          type: spec.type ?? defaultErrorType(spec.status),
          message: spec.message ?? 'Injected by the emulator',
        }
      : spec;
  const rule: FaultRule = {
    id: newId(),
    fault,
    remaining: count,
    ...(method ? { method } : {}),
    ...(path ? { path } : {}),
  };
  state.faults.push(rule);
  return rule;
}

/** The `Authorization` header's key, or the 401 or 403 ComplyCube's sandbox answers it with. */
export function acceptedKey(state: EmulatorState, key: string | undefined): string {
  if (!key) throw new ApiError(401, 'unauthorized', 'No API key was provided');
  if (key.startsWith('live_')) throw new ApiError(403, 'unauthorized', 'Live keys cannot access the sandbox');
  if (!state.apiKeys.has(key)) throw new ApiError(401, 'unauthorized', 'The API key is invalid');
  return key;
}

/** Takes the first pending fault matching the call; a 429 or error fault answers it at once. */
function applyFault(state: EmulatorState, request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined {
  const path = request.url.slice(3).split('?')[0] ?? '';
  const rule = state.faults.find(
    (f) => f.remaining > 0 && (!f.method || f.method === request.method) && (!f.path || path.startsWith(f.path)),
  );
  if (!rule) return undefined;
  rule.remaining -= 1;
  request.emulatorFault = rule.fault;
  if (rule.fault.kind === 'rate_limit') {
    if (rule.fault.retryAfterSeconds !== undefined) reply.header('Retry-After', String(rule.fault.retryAfterSeconds));
    return sendError(reply, tooManyRequests());
  }
  if (rule.fault.kind === 'error') {
    return sendError(reply, new ApiError(rule.fault.status, rule.fault.type, rule.fault.message));
  }
  return undefined;
}

/** Counts the call against the key's last second; false when the limit is already reached. */
function withinRateLimit(state: EmulatorState, key: string): boolean {
  if (state.rateLimitPerSecond <= 0) return true;
  const t = Date.now();
  const window = (state.recentRequests.get(key) ?? []).filter((at) => t - at < 1000);
  state.recentRequests.set(key, window);
  if (window.length >= state.rateLimitPerSecond) return false;
  window.push(t);
  return true;
}

/**
 * Guards ComplyCube's API (`/v1/…`) as ComplyCube does: auth, then injected faults, then the rate
 * limit, in that order; and logs each call. Control routes (`/_emulator/…`) pass untouched, so
 * seeding and test set-up never spend the product's rate limit.
 */
export function installApiGate(app: FastifyInstance, state: EmulatorState): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/v1/')) return;
    const key = acceptedKey(state, request.headers.authorization);
    const faulted = applyFault(state, request, reply);
    if (faulted) return faulted;
    if (!withinRateLimit(state, key)) return sendError(reply, tooManyRequests());
  });

  // Injected response faults act after the request was processed: the caller cannot know it succeeded.
  app.addHook('onSend', async (request, reply, payload) => {
    if (!request.url.startsWith('/v1/')) return payload;
    const fault = request.emulatorFault;
    state.requests.push({
      method: request.method,
      route: request.routeOptions.url ?? request.url.split('?')[0] ?? '',
      status: fault?.kind === 'drop_response' ? 0 : reply.statusCode,
      ...(request.emulatorClientId ? { clientId: request.emulatorClientId } : {}),
      ...(fault ? { fault: fault.kind } : {}),
      at: now(),
    });
    if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault?.kind === 'drop_response') request.raw.socket.destroy();
    return payload;
  });
}
