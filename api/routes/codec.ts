/**
 * The codec server (docs/payload-encryption.md), Temporal's protocol: `POST /codec/decode` and
 * `/codec/encode`, and `/codec/{namespace}/decode|encode`, the form the CLI's
 * `--codec-endpoint http://…/codec/{namespace}` uses. The Temporal UI and CLI send it what they
 * read from Temporal, and show what it answers.
 *
 * Only people allowed to see case data may call it: a reviewer's, senior reviewer's or auditor's
 * bearer token, or their console session (the UI with "include cross-origin credentials"). A
 * session is accepted without the CSRF token only from the configured Temporal UI origin, the one
 * origin CORS admits. Every decode goes on the record: who, how many payloads, which namespace.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Payload } from '@temporalio/common';
import { DESK_ROLES, hasRole, type Principal } from '../auth';
import { HttpError } from '../errors';
import { codecParams, codecPayloadsSchema, type CodecPayload } from '../schemas/codec';
import { AUTH_ERRORS, errors, UNAVAILABLE } from '../schemas/common';
import type { ApiContext } from '../context';
import type { RouteGroup } from './plugin';

/** Histories are big: a page of the UI's events decoded at once. */
const CODEC_BODY_LIMIT = 8 * 1024 * 1024;

const fromJson = (payload: CodecPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(payload.data ?? '', 'base64'),
});

const toJson = (payload: Payload): CodecPayload => ({
  metadata: Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')]),
  ),
  data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
});

/** CORS for the Temporal UI's origin only, with credentials (its session cookie). */
function allowOrigin(context: ApiContext, request: FastifyRequest, reply: FastifyReply): void {
  const origin = request.headers.origin;
  reply.header('vary', 'Origin');
  if (!origin || !context.codec.corsOrigins.includes(origin)) return;
  reply.header('access-control-allow-origin', origin);
  reply.header('access-control-allow-credentials', 'true');
  reply.header('access-control-allow-methods', 'POST, OPTIONS');
  reply.header('access-control-allow-headers', 'content-type, x-namespace, authorization');
  reply.header('access-control-max-age', '600');
}

/** The caller: a desk role's bearer token, or their console session from the UI's origin (or no browser). */
async function principalOf(context: ApiContext, request: FastifyRequest): Promise<Principal> {
  let principal = context.authenticate(request.headers.authorization);
  if (!principal && request.headers.authorization === undefined) {
    const origin = request.headers.origin;
    if (origin && !context.codec.corsOrigins.includes(origin)) {
      throw new HttpError(403, 'forbidden', 'This origin may not call the codec server');
    }
    const session = await context.sessions.current(request);
    if (session) principal = { roles: session.roles, name: session.reviewer, channel: 'console' };
  }
  if (!principal) throw new HttpError(401, 'unauthorized', 'A valid bearer token or session is required');
  if (!hasRole(principal, ...DESK_ROLES)) {
    throw new HttpError(403, 'forbidden', `The codec server needs the role ${DESK_ROLES.join(' or ')}`);
  }
  return principal;
}

export const codecRoutes: RouteGroup = async (app, { context }) => {
  app.addHook('onRequest', async (request, reply) => allowOrigin(context, request, reply));

  for (const url of ['/codec/:operation', '/codec/:namespace/:operation']) {
    app.options(url, { schema: { hide: true } }, async (_request, reply) => reply.code(204).send());
    app.post(
      url,
      {
        bodyLimit: CODEC_BODY_LIMIT,
        schema: {
          summary:
            'Temporal’s codec server: decodes (or encodes) payloads for the Temporal UI and CLI, for reviewers, ' +
            'senior reviewers and auditors; every decode is recorded',
          params: codecParams,
          body: codecPayloadsSchema,
          response: {
            200: codecPayloadsSchema,
            ...errors({ 400: 'Not Payloads JSON, or another namespace', ...AUTH_ERRORS, 503: UNAVAILABLE }),
          },
        },
      },
      async (request, reply) => {
        const principal = await principalOf(context, request);
        const namespace = request.params.namespace || headerNamespace(request) || context.codec.namespace;
        if (namespace !== context.codec.namespace) {
          throw new HttpError(
            400,
            'invalid_request',
            `This codec server serves the namespace ${context.codec.namespace}`,
          );
        }
        const payloads = request.body.payloads.map(fromJson);
        const codec = context.codec.payloadCodec;
        if (!codec) throw new HttpError(503, 'codec_unavailable', 'This API has no payload codec (PAYLOAD_CODEC_KEYS)');
        if (request.params.operation === 'encode') return { payloads: (await codec.encode(payloads)).map(toJson) };
        let decoded: Payload[];
        try {
          decoded = await codec.decode(payloads);
        } catch (error) {
          throw new HttpError(400, 'undecodable_payload', (error as Error).message);
        }
        if (context.personalData) decoded = await Promise.all(decoded.map((p) => revealed(context, p)));
        await context.securityLog.record(request, 'codec_decode', {
          actor: principal.name,
          detail: { payloads: payloads.length, namespace, channel: principal.channel },
        });
        reply.header('cache-control', 'no-store');
        return { payloads: decoded.map(toJson) };
      },
    );
  }
};

/** A JSON payload with its reasons' references read (or `[erased]`): what the UI shows. */
async function revealed(context: ApiContext, payload: Payload): Promise<Payload> {
  const encoding = Buffer.from(payload.metadata?.encoding ?? new Uint8Array()).toString('utf8');
  const text = Buffer.from(payload.data ?? new Uint8Array()).toString('utf8');
  if (encoding !== 'json/plain' || !text.includes('pd1:')) return payload;
  try {
    const value = await context.personalData!.reveal(JSON.parse(text) as unknown);
    return { ...payload, data: Buffer.from(JSON.stringify(value), 'utf8') };
  } catch {
    return payload;
  }
}

function headerNamespace(request: FastifyRequest): string | undefined {
  const value = request.headers['x-namespace'];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
