/**
 * What the API answers when something goes wrong: every error is classified by its type, never
 * by its message text, into the documented `{error, message, details?}` shape. Internals stay in
 * the log, keyed by the request ID.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
  type ZodFastifySchemaValidationError,
} from 'fastify-type-provider-zod';
import { StoreUnavailableError } from '../store/decision-store';

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

/**
 * A route's declared schema refused the request (params, query, body or headers): 400 listing each
 * problem as `{path, message, code}`, the path dotted, `(body)` for the part as a whole.
 */
function invalidRequest(issues: ZodFastifySchemaValidationError[]): HttpError {
  return new HttpError(
    400,
    'invalid_request',
    'The request is invalid',
    issues.map((issue) => ({
      path: issue.instancePath.split('/').filter(Boolean).join('.') || '(body)',
      message: issue.message ?? 'Invalid input',
      code: issue.keyword,
    })),
  );
}

// gRPC status codes.
const CANCELLED = 1;
const UNKNOWN = 2;
const INVALID_ARGUMENT = 3;
const DEADLINE_EXCEEDED = 4;
const RESOURCE_EXHAUSTED = 8;
const UNAVAILABLE = 14;

/** The gRPC status code of an error from Temporal: on the error, or on its `cause` (the SDK's ServiceError keeps it there). */
export function grpcCodeOf(error: unknown): number | undefined {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'number') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Temporal is down, overloaded, or did not answer in time: the caller should try again. A call
 * cut short (CANCELLED: an overloaded server drops it, or the client gives up on it) is one too;
 * every call the API makes is safe to repeat (starts and reviews are idempotent).
 */
export function isTemporalUnavailable(error: unknown): boolean {
  const code = grpcCodeOf(error);
  return code === UNAVAILABLE || code === DEADLINE_EXCEEDED || code === RESOURCE_EXHAUSTED || code === CANCELLED;
}

/** Temporal refused a page token it did not issue (or no longer accepts). */
export function isRefusedPageToken(error: unknown): boolean {
  const code = grpcCodeOf(error);
  return code === INVALID_ARGUMENT || code === UNKNOWN;
}

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (hasZodFastifySchemaValidationErrors(error)) return errorHandler(invalidRequest(error.validation), request, reply);
  if (error instanceof HttpError) {
    if (error.statusCode >= 500) request.log.warn({ code: error.code }, error.message);
    // Every 503 is worth a retry, and says when (the OpenAPI document promises it).
    if (error.statusCode === 503) reply.header('Retry-After', '1');
    return reply
      .code(error.statusCode)
      .send({ error: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) });
  }
  if (error instanceof StoreUnavailableError) {
    request.log.warn({ cause: (error.cause as Error | undefined)?.message }, 'Decision store unavailable');
    return reply
      .code(503)
      .header('Retry-After', '1')
      .send({ error: 'store_unavailable', message: 'The decision store cannot be reached; try again' });
  }
  if (isTemporalUnavailable(error)) {
    request.log.warn({ grpcCode: grpcCodeOf(error) }, 'Temporal unavailable');
    return reply
      .code(503)
      .header('Retry-After', '1')
      .send({ error: 'temporal_unavailable', message: 'Temporal cannot be reached; try again' });
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
  if (isResponseSerializationError(error) && error.cause?.issues) {
    // A route answered a body its declared schema does not allow: a bug, never sent. Paths and codes only.
    request.log.error(
      { requestId: request.id, issues: error.cause.issues.map((i) => ({ path: i.path.join('.'), code: i.code })) },
      'Response does not match its declared schema',
    );
    return reply.code(500).send({ error: 'internal_error', message: 'Internal error', requestId: request.id });
  }
  // Unexpected: one line in the log, keyed by the request ID, and only the ID to the caller.
  request.log.error(
    {
      requestId: request.id,
      errorType: error.name,
      errorMessage: String(error.message).slice(0, 300),
      grpcCode: grpcCodeOf(error),
    },
    'Unhandled error',
  );
  return reply.code(500).send({ error: 'internal_error', message: 'Internal error', requestId: request.id });
}
