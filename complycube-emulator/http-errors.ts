import { type FastifyInstance, type FastifyReply } from 'fastify';

/** ComplyCube's error body, thrown by any part and sent by the error handler. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly param?: string,
  ) {
    super(message);
  }
}

export const invalid = (param: string, message: string): ApiError =>
  new ApiError(400, 'invalid_request', message, param);

export const notFound = (what: string, param?: string): ApiError =>
  new ApiError(404, 'resource_not_found', `The requested ${what} was not found`, param);

export const tooManyRequests = (): ApiError => new ApiError(429, 'rate_limit_exceeded', 'Too many requests');

/** Omits null, undefined and empty properties, as ComplyCube's responses do. */
export function compact<T extends Record<string, unknown>>(object: T): T {
  return Object.fromEntries(
    Object.entries(object).filter(
      ([, value]) =>
        value !== undefined &&
        value !== null &&
        value !== '' &&
        !(Array.isArray(value) && value.length === 0) &&
        !(typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0),
    ),
  ) as T;
}

export const sendError = (reply: FastifyReply, error: ApiError): FastifyReply =>
  reply.code(error.status).send(compact({ type: error.type, message: error.message, param: error.param }));

/** JSON bodies as the official SDK sends them, and every error in ComplyCube's shape. */
export function installErrorHandling(app: FastifyInstance): void {
  // The official SDK sends `Content-Type: application/json` on bodiless GETs and DELETEs.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body: string, done) => {
    if (body.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(body) as unknown);
    } catch {
      done(invalid('body', 'The request body must be valid JSON'), undefined);
    }
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, _request, reply) => {
    if (error instanceof ApiError) return sendError(reply, error);
    if (error.statusCode === 413) {
      return sendError(reply, new ApiError(413, 'request_too_large', 'The request body is too large'));
    }
    if (error.statusCode === 400 || error.statusCode === 415) {
      return sendError(reply, invalid('body', 'The request body must be valid JSON'));
    }
    app.log.error(error);
    return sendError(reply, new ApiError(500, 'internal_server_error', 'An internal error occurred'));
  });
  app.setNotFoundHandler((_request, reply) => sendError(reply, new ApiError(404, 'resource_not_found', 'Not found')));
}
