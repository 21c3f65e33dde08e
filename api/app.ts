/**
 * The HTTP API: an app factory (fastify), with one module per route group under `routes/`, the
 * error handler in `errors.ts`, and what they share in `context.ts`. `main.ts` runs it.
 */
import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { DEFAULT_POLICY } from '../workflows/onboarding-contract';
import { createAuthenticator } from './auth';
import { createContext, type ApiOptions } from './context';
import { errorHandler, HttpError } from './errors';
import { openApiDocument } from './openapi';
import { complyCubeWebhookRoutes, WEBHOOK_PATH } from './routes/complycube-webhook';
import { decisionRoutes } from './routes/decisions';
import { healthRoutes } from './routes/health';
import { onboardingRoutes } from './routes/onboardings';
import { reviewRoutes } from './routes/reviews';

export type { ApiOptions } from './context';
export { HttpError } from './errors';

export async function createApi(options: ApiOptions): Promise<FastifyInstance> {
  const context = createContext({ ...options, policy: options.policy ?? DEFAULT_POLICY }, createAuthenticator(options));

  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: { level: options.logLevel ?? 'info' } }),
    // One line per request, written when it is answered (below), instead of two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimitBytes ?? 64 * 1024,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    routerOptions: { ignoreTrailingSlash: true },
  });

  // Keep the raw bytes: the webhook signature is over the body exactly as sent.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    request.rawBody = body;
    if (body.length === 0) return done(null, undefined);
    try {
      done(null, JSON.parse(body.toString('utf8')) as unknown);
    } catch {
      // A signed webhook body that is not JSON is still ComplyCube's: its route answers it.
      if (request.url === WEBHOOK_PATH) {
        request.invalidJson = true;
        return done(null, undefined);
      }
      done(new HttpError(400, 'invalid_json', 'The request body is not valid JSON'), undefined);
    }
  });

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, not the URL: IDs are in the path, nothing personal, but the query is not logged.
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      `${request.method} ${request.url.split('?')[0]} ${reply.statusCode}`,
    );
  });

  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: 'not_found', message: 'No such route' }));

  // The document is built from zod's JSON Schema output, which the plugin's OpenAPI types do not model.
  await app.register(swagger, { mode: 'static', specification: { document: openApiDocument() as never } });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => openApiDocument());

  onboardingRoutes(app, context);
  reviewRoutes(app, context);
  decisionRoutes(app, context);
  complyCubeWebhookRoutes(app, context);
  healthRoutes(app, context);
  return app;
}
