/**
 * The HTTP API: an app factory (fastify), with one plugin per route group under `routes/`, each
 * route's zod schemas under `schemas/` (the OpenAPI document is generated from them), the error
 * handler in `errors.ts`, and what they share in `context.ts`. `main.ts` runs it.
 */
import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { createApiMetrics, type ApiMetrics } from '../observability/metrics';
import { registerWebhookBacklog } from '../observability/webhook-metrics';
import type { DecisionStore } from '../store/decision-store';
import { DEFAULT_POLICY } from '../workflows/onboarding-contract';
import { createAuthenticator } from './auth';
import { consoleAssets } from './console-assets';
import { createContext, type ApiOptions } from './context';
import { errorHandler, HttpError } from './errors';
import { observe } from './observability';
import { registerOpenApi } from './openapi';
import { applicantRoutes } from './routes/applicant';
import { auditRoutes } from './routes/audit';
import { ledgerRoutes } from './routes/ledger';
import { assignmentRoutes } from './routes/assignment';
import { claimRoutes } from './routes/claims';
import { noteRoutes } from './routes/notes';
import { codecRoutes } from './routes/codec';
import { personalDataRoutes } from './routes/personal-data';
import { complyCubeWebhookRoutes, WEBHOOK_PATH } from './routes/complycube-webhook';
import { decisionRoutes } from './routes/decisions';
import { evidenceRoutes } from './routes/evidence';
import { healthRoutes } from './routes/health';
import { oidcRoutes } from './routes/oidc';
import { onboardingRoutes } from './routes/onboardings';
import { resubmissionRoutes } from './routes/resubmissions';
import { reviewRoutes } from './routes/reviews';
import { webhookEndpointRoutes } from './routes/webhook-endpoints';
import { securityEventRoutes } from './routes/security-events';
import { sessionRoutes } from './routes/session';

export type { ApiOptions } from './context';

/** The API's version, as its OpenAPI document states it. */
const API_VERSION = '0.4.0';
export { HttpError } from './errors';

/** The API's metrics, with the review desk's gauges read from `store`'s review queue at each scrape. */
export function apiMetricsFor(store: DecisionStore): ApiMetrics {
  const metrics = createApiMetrics(async () => {
    const now = Date.now();
    return (await store.reviewQueueDepth()).map((d) => ({
      status: d.status,
      count: d.count,
      pastSla: d.pastSla,
      oldestAgeSeconds: d.oldestOpenedAt ? Math.max(0, (now - Date.parse(d.oldestOpenedAt)) / 1000) : 0,
    }));
  });
  registerWebhookBacklog(metrics.registry, () => store.undeliveredSummary());
  return metrics;
}

export async function createApi(options: ApiOptions): Promise<FastifyInstance> {
  const metrics = options.metrics ?? apiMetricsFor(options.store);
  const context = createContext(
    { ...options, policy: options.policy ?? DEFAULT_POLICY, metrics },
    createAuthenticator(options),
  );

  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: { level: options.logLevel ?? 'info' } }),
    // One line per request, written when it is answered (logEachResponse), instead of two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimitBytes ?? 64 * 1024,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
    },
    requestIdHeader: false,
    routerOptions: { ignoreTrailingSlash: true },
    // Off unless configured: else anyone could name their own address in X-Forwarded-For.
    trustProxy: options.trustProxy ?? false,
  });

  keepRawJsonBodies(app);
  observe(app, metrics);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  logEachResponse(app);

  await app.register(cookie);
  // Security headers everywhere; the console's pages add their own strict Content-Security-Policy
  // (the API docs page, Swagger UI, could not live under it).
  await app.register(helmet, { contentSecurityPolicy: false, crossOriginEmbedderPolicy: false });
  // Only on the routes that ask for it (the sign-in): `config.rateLimit`.
  await app.register(rateLimit, { global: false });

  app.setErrorHandler(errorHandler);
  // Every answer shows reviewers' reasons decrypted, or `[erased]` (security/personal-data.ts).
  const { personalData } = context;
  if (personalData) {
    app.addHook('preSerialization', async (request, _reply, payload) =>
      request.routeOptions.config?.keepPersonalRefs ? payload : personalData.reveal(payload),
    );
  }
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: 'not_found', message: 'No such route' }));
  // Every route declares its parts and answers in zod: requests are validated, answers checked, docs generated.
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await registerOpenApi(app, API_VERSION);

  for (const routes of [
    sessionRoutes,
    oidcRoutes,
    securityEventRoutes,
    onboardingRoutes,
    reviewRoutes,
    resubmissionRoutes,
    webhookEndpointRoutes,
    claimRoutes,
    assignmentRoutes,
    noteRoutes,
    evidenceRoutes,
    applicantRoutes,
    auditRoutes,
    ledgerRoutes,
    decisionRoutes,
    codecRoutes,
    personalDataRoutes,
    complyCubeWebhookRoutes,
    healthRoutes,
  ]) {
    await app.register(routes, { context });
  }
  await consoleAssets(app);
  return app;
}

/** Parses JSON bodies itself, keeping the raw bytes: the webhook signature is over the body exactly as sent. */
function keepRawJsonBodies(app: FastifyInstance): void {
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
}

/** One line per request, written when it is answered. */
function logEachResponse(app: FastifyInstance): void {
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
}
