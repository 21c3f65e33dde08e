import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { z } from 'zod';
import { onboardingStartOptions } from '../client/start-options';
import { checkEventPayloadSchema, complyCubeIdSchema, webhookEventSchema } from '../complycube/schemas';
import { isValidWebhookSignature, SIGNATURE_HEADER } from '../complycube/webhook-signature';
import type { DecisionStore } from '../store/decision-store';
import {
  WORKFLOW_TYPE,
  checkCompletedSignal,
  getStateQuery,
  onboardingIdFromWorkflowId,
  onboardingRequestSchema,
  onboardingStatusSchema,
  onboardingStatusSearchAttribute,
  onboardingWorkflowId,
  reviewDecisionSchema,
  submitReviewUpdate,
  DEFAULT_POLICY,
  type OnboardingPolicy,
  type OnboardingRequest,
  type OnboardingState,
} from '../workflows/onboarding-contract';
import { createAuthenticator, type Principal, type Role, type TokenConfig } from './auth';
import { openApiDocument } from './openapi';

export interface ApiOptions extends TokenConfig {
  temporal: Client;
  store: DecisionStore;
  taskQueue: string;
  /** The timing policy new onboardings start with (configuration's `POLICY_*`); `DEFAULT_POLICY` if absent. */
  policy?: OnboardingPolicy;
  /**
   * ComplyCube's webhook secret; without it the webhook route answers 503. A function is read per
   * request, for set-ups that register the webhook (and so learn the secret) after the API listens.
   */
  webhookSecret?: string | (() => string | undefined);
  bodyLimitBytes?: number;
  /** How long a request may wait on Temporal before answering 503. Well inside ComplyCube's 15 s. */
  temporalDeadlineMs?: number;
  /** The process's logger (`config/logging.ts`); else JSON lines at `logLevel`. */
  logger?: FastifyBaseLogger;
  logLevel?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    rawBody?: Buffer;
  }
}

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

const onboardingIdParams = z.strictObject({ onboardingId: complyCubeIdSchema });
const reviewBodySchema = reviewDecisionSchema.omit({ reviewer: true });
const listQuerySchema = z.strictObject({
  status: onboardingStatusSchema.optional(),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  pageToken: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .max(4096)
    .optional(),
});

function validate<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
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
function isUnavailable(error: unknown): boolean {
  const e = error as { code?: unknown; name?: unknown; message?: unknown };
  // gRPC UNAVAILABLE (14), DEADLINE_EXCEEDED (4), or a connection that never came up.
  return (
    e.code === 14 ||
    e.code === 4 ||
    e.name === 'TransportError' ||
    (typeof e.message === 'string' && /deadline|unavailable|connect|transport/i.test(e.message))
  );
}

export async function createApi(options: ApiOptions): Promise<FastifyInstance> {
  const { temporal, store } = options;
  const policy = options.policy ?? DEFAULT_POLICY;
  const deadlineMs = options.temporalDeadlineMs ?? 5_000;
  const authenticate = createAuthenticator(options);
  const withDeadline = <T>(fn: () => Promise<T>) => temporal.connection.withDeadline(Date.now() + deadlineMs, fn);

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

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
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
    if (isUnavailable(error)) {
      request.log.warn({ err: { type: error.name, message: error.message } }, 'Temporal unavailable');
      return reply.code(503).send({ error: 'temporal_unavailable', message: 'Temporal cannot be reached; try again' });
    }
    // Internals stay in the log, keyed by request ID; the caller gets the ID only.
    request.log.error({ err: error }, 'Unhandled error');
    return reply.code(500).send({ error: 'internal_error', message: 'Internal error', requestId: request.id });
  });

  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: 'not_found', message: 'No such route' }));

  const requireRole =
    (...roles: Role[]) =>
    async (request: FastifyRequest) => {
      const principal = authenticate(request.headers.authorization);
      if (!principal) throw new HttpError(401, 'unauthorized', 'A valid bearer token is required');
      if (!roles.includes(principal.role)) {
        throw new HttpError(403, 'forbidden', `This route needs a ${roles.join(' or ')} token`);
      }
      request.principal = principal;
    };

  // The document is built from zod's JSON Schema output, which the plugin's OpenAPI types do not model.
  await app.register(swagger, { mode: 'static', specification: { document: openApiDocument() as never } });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => openApiDocument());

  const link = (onboardingId: string) => `/v1/onboardings/${onboardingId}`;
  const links = (onboardingId: string) => ({ self: link(onboardingId), decisions: `/v1/decisions/${onboardingId}` });

  /**
   * The run's own state, from its `getState` query; undefined when the decision store should
   * answer instead: Temporal has forgotten the run, or the run has ended and no worker is up to
   * answer the query (a query on a closed run replays it on a worker).
   */
  const stateOf = async (onboardingId: string): Promise<OnboardingState | undefined> => {
    const handle = temporal.workflow.getHandle(onboardingWorkflowId(onboardingId));
    try {
      return await withDeadline(() => handle.query(getStateQuery));
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      const closed = await withDeadline(() => handle.describe()).then(
        (description) => description.status.name !== 'RUNNING',
        () => false,
      );
      if (closed) return undefined;
      throw error;
    }
  };

  const present = (state: OnboardingState) => ({
    onboardingId: state.onboardingId,
    workflowId: state.workflowId,
    runId: state.runId,
    status: state.status,
    startedAt: state.startedAt,
    checks: Object.values(state.checks),
    reviewReasons: state.reviewReasons,
    ...(state.reviewEscalatesAt ? { reviewEscalatesAt: state.reviewEscalatesAt } : {}),
    ...(state.reviewExpiresAt ? { reviewExpiresAt: state.reviewExpiresAt } : {}),
    policy: state.policy,
    reviews: state.reviews,
    refusedReviews: state.refusedReviews,
    ...(state.decision ? { decision: state.decision } : {}),
    links: links(state.onboardingId),
  });

  // Start an onboarding.
  app.post('/v1/onboardings', { preHandler: requireRole('service') }, async (request, reply) => {
    const body: OnboardingRequest = validate(onboardingRequestSchema, request.body);
    const workflowId = onboardingWorkflowId(body.clientId);
    const answer = (code: 200 | 201, runId: string, status: string) =>
      reply
        .code(code)
        .header('location', link(body.clientId))
        .send({ onboardingId: body.clientId, workflowId, runId, status, links: { self: link(body.clientId) } });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        const handle = await withDeadline(() =>
          temporal.workflow.start(WORKFLOW_TYPE, onboardingStartOptions(body, options.taskQueue, policy)),
        );
        request.log.info({ workflowId, runId: handle.firstExecutionRunId }, 'Onboarding started');
        return answer(201, handle.firstExecutionRunId, 'checks_running');
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
      const description = await withDeadline(() => temporal.workflow.getHandle(workflowId).describe());
      if (description.status.name !== 'RUNNING') continue; // It just ended: start the new run.
      const running = onboardingRequestSchema.safeParse(description.memo?.request);
      const same =
        running.success && (Object.keys(body) as (keyof OnboardingRequest)[]).every((k) => running.data[k] === body[k]);
      if (!same) {
        throw new HttpError(
          409,
          'onboarding_in_progress',
          'This client has an onboarding in progress with other inputs',
          {
            onboardingId: body.clientId,
            links: { self: link(body.clientId) },
          },
        );
      }
      return answer(
        200,
        description.runId,
        description.typedSearchAttributes.get(onboardingStatusSearchAttribute) ?? 'checks_running',
      );
    }
    throw new HttpError(409, 'onboarding_in_flux', 'The onboarding changed while starting; try again');
  });

  // Follow one onboarding.
  app.get('/v1/onboardings/:onboardingId', { preHandler: requireRole('service', 'reviewer') }, async (request) => {
    const { onboardingId } = validate(onboardingIdParams, request.params);
    const state = await stateOf(onboardingId);
    if (state) return present(state);
    const [latest] = await store.decisionsFor(onboardingId);
    if (!latest) throw new HttpError(404, 'onboarding_not_found', 'No onboarding with this ID');
    return {
      onboardingId,
      workflowId: latest.workflowId,
      runId: latest.runId,
      status: latest.decision,
      startedAt: latest.startedAt,
      checks: latest.checks,
      reviewReasons: latest.reviewReasons,
      decision: latest,
      links: links(onboardingId),
    };
  });

  // List onboardings by status, from Temporal's visibility.
  app.get('/v1/onboardings', { preHandler: requireRole('service', 'reviewer') }, async (request) => {
    const query = validate(listQuerySchema, request.query);
    const filters = [`WorkflowType = '${WORKFLOW_TYPE}'`];
    if (query.status) filters.push(`${onboardingStatusSearchAttribute.name} = '${query.status}'`);
    const response = await withDeadline(() =>
      temporal.workflowService.listWorkflowExecutions({
        namespace: temporal.options.namespace,
        query: filters.join(' AND '),
        pageSize: query.pageSize,
        ...(query.pageToken ? { nextPageToken: Buffer.from(query.pageToken, 'base64url') } : {}),
      }),
    );
    const items = (response.executions ?? []).flatMap((execution) => {
      const workflowId = execution.execution?.workflowId ?? '';
      const onboardingId = onboardingIdFromWorkflowId(workflowId);
      if (!onboardingId) return [];
      const statusPayload = execution.searchAttributes?.indexedFields?.[onboardingStatusSearchAttribute.name];
      let status: unknown;
      try {
        status = statusPayload?.data ? JSON.parse(Buffer.from(statusPayload.data).toString('utf8')) : undefined;
      } catch {
        status = undefined;
      }
      return [
        {
          onboardingId,
          workflowId,
          runId: execution.execution?.runId,
          status: typeof status === 'string' ? status : undefined,
          startedAt: execution.startTime?.seconds
            ? new Date(Number(execution.startTime.seconds) * 1000).toISOString()
            : undefined,
          links: { self: link(onboardingId) },
        },
      ];
    });
    const next = response.nextPageToken?.length ? Buffer.from(response.nextPageToken).toString('base64url') : undefined;
    return { items, ...(next ? { nextPageToken: next } : {}) };
  });

  // A reviewer's decision, as the workflow's validated Update.
  app.post('/v1/onboardings/:onboardingId/review', { preHandler: requireRole('reviewer') }, async (request) => {
    const { onboardingId } = validate(onboardingIdParams, request.params);
    const body = validate(reviewBodySchema, request.body);
    const reviewer = request.principal!.name;
    const handle = temporal.workflow.getHandle(onboardingWorkflowId(onboardingId));
    try {
      const state = await withDeadline(() =>
        handle.executeUpdate(submitReviewUpdate, { args: [{ ...body, reviewer }] }),
      );
      request.log.info({ onboardingId, decision: body.decision, reviewer }, 'Review accepted');
      return present(state);
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError) {
        const reason = error.cause?.message ?? 'rejected';
        throw new HttpError(409, reason.startsWith('review_not_due') ? 'review_not_due' : 'already_decided', reason);
      }
      if (error instanceof WorkflowNotFoundError) {
        const decided = (await store.decisionsFor(onboardingId)).length > 0;
        if (decided) throw new HttpError(409, 'already_decided', 'This onboarding is already decided');
        throw new HttpError(404, 'onboarding_not_found', 'No onboarding with this ID');
      }
      // An update to a run that has just closed.
      if (/already completed|workflow.*(closed|completed)/i.test((error as Error).message ?? '')) {
        throw new HttpError(409, 'already_decided', 'This onboarding is already decided');
      }
      throw error;
    }
  });

  // Recorded decisions, kept after Temporal's retention.
  app.get('/v1/decisions/:onboardingId', { preHandler: requireRole('service', 'reviewer') }, async (request) => {
    const { onboardingId } = validate(onboardingIdParams, request.params);
    const items = await store.decisionsFor(onboardingId);
    if (items.length === 0) throw new HttpError(404, 'decision_not_found', 'No decision recorded for this onboarding');
    return { onboardingId, items };
  });

  // ComplyCube's webhook.
  app.post('/webhooks/complycube', async (request, reply: FastifyReply) => {
    const secret = typeof options.webhookSecret === 'function' ? options.webhookSecret() : options.webhookSecret;
    if (!secret) throw new HttpError(503, 'webhook_not_configured', 'COMPLYCUBE_WEBHOOK_SECRET is not set');
    const signature = request.headers[SIGNATURE_HEADER];
    if (
      !request.rawBody ||
      !isValidWebhookSignature(request.rawBody, typeof signature === 'string' ? signature : undefined, secret)
    ) {
      request.log.warn('Webhook with a missing or invalid signature');
      throw new HttpError(401, 'invalid_signature', 'Missing or invalid ComplyCube-Signature');
    }
    const event = webhookEventSchema.safeParse(request.body);
    if (!event.success) throw new HttpError(400, 'invalid_event', 'Not a ComplyCube event');
    const { id: eventId, type } = event.data;
    const log = request.log.child({ eventId, eventType: type });

    if (await store.hasWebhookEvent(eventId)) {
      log.info('Duplicate webhook event');
      return reply.code(200).send({ received: true, duplicate: true });
    }
    const forwards = type === 'check.failed' || type === 'check.completed' || type.startsWith('check.completed.');
    const payload = checkEventPayloadSchema.safeParse(event.data.payload);
    if (!forwards || event.data.resourceType !== 'check' || !payload.success) {
      log.info('Webhook event not routed');
      await store.recordWebhookEvent(eventId, type);
      return reply.code(200).send({ received: true, routed: false });
    }
    const mapping = await store.findCheck(payload.data.id);
    if (!mapping) {
      log.warn({ checkId: payload.data.id }, 'Webhook event for a check no onboarding knows');
      await store.recordWebhookEvent(eventId, type);
      return reply.code(200).send({ received: true, routed: false });
    }
    try {
      await withDeadline(() =>
        temporal.workflow.getHandle(mapping.workflowId, mapping.runId).signal(checkCompletedSignal, {
          checkId: payload.data.id,
          status: payload.data.status,
          ...(payload.data.outcome ? { outcome: payload.data.outcome } : {}),
          eventId,
        }),
      );
    } catch (error) {
      // The run has ended: nothing is waiting for this event any more.
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      log.info({ workflowId: mapping.workflowId }, 'Webhook event for a finished onboarding');
    }
    // Only now is it handled: an event acknowledged before reaching Temporal could be lost.
    await store.recordWebhookEvent(eventId, type);
    log.info({ checkId: payload.data.id, workflowId: mapping.workflowId }, 'Webhook event routed');
    return reply.code(200).send({ received: true, routed: true });
  });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const [temporalUp, storeUp] = await Promise.all([
      withDeadline(() => temporal.workflowService.getSystemInfo({})).then(
        () => true,
        () => false,
      ),
      store.ping().then(
        () => true,
        () => false,
      ),
    ]);
    return reply
      .code(temporalUp && storeUp ? 200 : 503)
      .send({ status: temporalUp && storeUp ? 'ready' : 'not_ready', temporal: temporalUp, store: storeUp });
  });

  return app;
}
