/**
 * Idempotency keys (`Idempotency-Key`) for the routes that change something: the first request
 * with a key claims it; its final answer is kept and given again to the same key with the same
 * request, by any API process, for the retention window. docs/edges.md explains.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiContext } from './context';
import { HttpError } from './errors';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotent-replayed';
const KEY_PATTERN = /^[\x20-\x7e]{1,255}$/;

/** What a route answers: kept for its key unless it is not final (5xx, 202). */
export interface Answer {
  statusCode: number;
  body: unknown;
}

/** JSON with object keys sorted, so that the same request always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The key a request carries, validated; undefined when it carries none. */
export function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const key = request.headers[IDEMPOTENCY_HEADER];
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
    throw new HttpError(400, 'invalid_idempotency_key', 'Idempotency-Key must be 1–255 printable characters');
  }
  return key;
}

/** A stable ID for something done once per key (a Temporal update), per route and caller. */
export function derivedId(prefix: string, route: string, request: FastifyRequest, key: string): string {
  return `${prefix}-${sha256(`${route}\n${request.principal?.name ?? ''}\n${key}`).slice(0, 32)}`;
}

/**
 * Answers `request` with `handle()`, once per idempotency key: `what` is the request as validated
 * (body and path), whose hash must match the key's first use.
 */
export async function idempotent(
  context: ApiContext,
  request: FastifyRequest,
  reply: FastifyReply,
  route: string,
  what: unknown,
  handle: () => Promise<Answer>,
): Promise<FastifyReply> {
  const send = (answer: Answer) => reply.code(answer.statusCode).send(answer.body);
  const key = idempotencyKeyOf(request);
  if (key === undefined) return send(await handle());

  const scope = `${route} ${request.principal?.roles.join('+') ?? ''}:${request.principal?.name ?? ''}`;
  const claim = await context.store.claimIdempotencyKey({
    scope,
    key,
    requestHash: sha256(canonical(what)),
    retentionMs: context.idempotencyRetentionMs,
  });
  switch (claim.kind) {
    case 'replay':
      return reply.header(REPLAYED_HEADER, 'true').code(claim.statusCode).send(claim.response);
    case 'mismatch':
      throw new HttpError(422, 'idempotency_key_reused', 'This Idempotency-Key was used for a different request');
    case 'in_progress':
      throw new HttpError(409, 'idempotency_key_in_progress', 'A request with this Idempotency-Key is in progress');
  }

  let answer: Answer;
  try {
    answer = await handle();
  } catch (error) {
    // A refusal (4xx) is this request's answer; anything else gives the key back for the retry.
    if (error instanceof HttpError && error.statusCode < 500) {
      answer = {
        statusCode: error.statusCode,
        body: { error: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) },
      };
    } else {
      await context.store.releaseIdempotencyKey({ scope, key }).catch(() => undefined);
      throw error;
    }
  }
  if (answer.statusCode >= 500 || answer.statusCode === 202) {
    await context.store.releaseIdempotencyKey({ scope, key }).catch(() => undefined);
  } else {
    await context.store.completeIdempotencyKey({ scope, key, statusCode: answer.statusCode, response: answer.body });
  }
  return send(answer);
}
