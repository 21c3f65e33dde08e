/**
 * What the API answers when something goes wrong: every error is classified by its type, never
 * by its message text, into the documented `{error, message, details?}` shape. Internals stay in
 * the log, keyed by the request ID.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';

/** An error the API answers with as it is: status, machine-readable code, message, and details. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Parses `value` with `schema` or answers 400 listing each problem as `{path, message, code}`. */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) {
    throw new HttpError(
      400,
      'invalid_request',
      'The request is invalid',
      parsed.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.') || '(body)',
        message: issue.message,
        code: issue.code,
      })),
    );
  }
  return parsed.data;
}

/** Temporal is down or did not answer in time: the caller should try again. */
export function isTemporalUnavailable(error: unknown): boolean {
  const e = error as { code?: unknown; name?: unknown; message?: unknown };
  // gRPC UNAVAILABLE (14), DEADLINE_EXCEEDED (4), or a connection that never came up.
  return (
    e.code === 14 ||
    e.code === 4 ||
    e.name === 'TransportError' ||
    (typeof e.message === 'string' && /deadline|unavailable|connect|transport/i.test(e.message))
  );
}

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof HttpError) {
    if (error.statusCode >= 500) request.log.warn({ code: error.code }, error.message);
    return reply
      .code(error.statusCode)
      .send({ error: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) });
  }
  if (error.statusCode === 413) {
    return reply.code(413).send({ error: 'payload_too_large', message: 'The request body is too large' });
  }
  if (error.statusCode === 415) {
    return reply.code(415).send({ error: 'unsupported_media_type', message: 'Send application/json' });
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return reply.code(error.statusCode).send({ error: 'bad_request', message: 'The request is malformed' });
  }
  if (isTemporalUnavailable(error)) {
    request.log.warn({ err: { type: error.name, message: error.message } }, 'Temporal unavailable');
    return reply.code(503).send({ error: 'temporal_unavailable', message: 'Temporal cannot be reached; try again' });
  }
  // Internals stay in the log, keyed by request ID; the caller gets the ID only.
  request.log.error({ err: error }, 'Unhandled error');
  return reply.code(500).send({ error: 'internal_error', message: 'Internal error', requestId: request.id });
}
