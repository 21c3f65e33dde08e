/** Start, follow and list onboardings. */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { complyCubeIdSchema } from '../../complycube/schemas';
import {
  WORKFLOW_TYPE,
  onboardingIdFromWorkflowId,
  onboardingRequestSchema,
  onboardingStatusSchema,
  onboardingStatusSearchAttribute,
} from '../../workflows/onboarding-contract';
import { onboardingLink, onboardingLinks, presentState, stateOf, type ApiContext } from '../context';
import { HttpError, isRefusedPageToken, validate } from '../errors';
import { idempotent } from '../idempotency';
import { startOnboarding } from '../start-onboarding';

export const onboardingIdParams = z.strictObject({ onboardingId: complyCubeIdSchema });
const startBodySchema = onboardingRequestSchema.extend({
  /** Start a new run for a client whose onboarding has ended (re-verification). */
  reverify: z.boolean().optional(),
});
const pageTokenSchema = z.strictObject({ l: z.string(), t: z.string().min(1).max(8192) });
const listQuerySchema = z.strictObject({
  status: onboardingStatusSchema.optional(),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  pageToken: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .max(4096)
    .optional(),
});

export function onboardingRoutes(app: FastifyInstance, context: ApiContext): void {
  const { temporal, store, withDeadline, requireRole } = context;

  // Start an onboarding: idempotent by itself, and by `Idempotency-Key` for the exact answer.
  app.post('/v1/onboardings', { preHandler: requireRole('service') }, async (request, reply) => {
    const { reverify = false, ...body } = validate(startBodySchema, request.body);
    return idempotent(context, request, reply, 'POST /v1/onboardings', { ...body, reverify }, async () => {
      const answer = await startOnboarding(context, body, reverify, request.log);
      reply.header('location', onboardingLink(body.clientId));
      return answer;
    });
  });

  // Follow one onboarding.
  app.get('/v1/onboardings/:onboardingId', { preHandler: requireRole('service', 'reviewer') }, async (request) => {
    const { onboardingId } = validate(onboardingIdParams, request.params);
    const state = await stateOf(context, onboardingId);
    if (state) return presentState(state);
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
      links: onboardingLinks(onboardingId),
    };
  });

  // List onboardings by status, from Temporal's visibility.
  app.get('/v1/onboardings', { preHandler: requireRole('service', 'reviewer') }, async (request) => {
    const query = validate(listQuerySchema, request.query);
    const filters = [`WorkflowType = '${WORKFLOW_TYPE}'`];
    if (query.status) filters.push(`${onboardingStatusSearchAttribute.name} = '${query.status}'`);
    const visibilityQuery = filters.join(' AND ');
    const temporalToken = query.pageToken ? readPageToken(query.pageToken, visibilityQuery) : undefined;
    const response = await withDeadline(() =>
      temporal.workflowService.listWorkflowExecutions({
        namespace: temporal.options.namespace,
        query: visibilityQuery,
        pageSize: query.pageSize,
        ...(temporalToken ? { nextPageToken: temporalToken } : {}),
      }),
    ).catch((error: unknown) => {
      if (temporalToken && isRefusedPageToken(error)) throw invalidPageToken();
      throw error;
    });
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
          links: { self: onboardingLink(onboardingId) },
        },
      ];
    });
    const next = response.nextPageToken?.length ? writePageToken(response.nextPageToken, visibilityQuery) : undefined;
    return { items, ...(next ? { nextPageToken: next } : {}) };
  });
}

/**
 * Page tokens carry Temporal's token and which listing it belongs to, so a token from another
 * listing, or one that was never ours, is refused (400) before Temporal sees it.
 */
function writePageToken(temporalToken: Uint8Array, visibilityQuery: string): string {
  const listing = createHash('sha256').update(visibilityQuery).digest('hex').slice(0, 16);
  return Buffer.from(JSON.stringify({ l: listing, t: Buffer.from(temporalToken).toString('base64') })).toString(
    'base64url',
  );
}

function readPageToken(pageToken: string, visibilityQuery: string): Buffer {
  const listing = createHash('sha256').update(visibilityQuery).digest('hex').slice(0, 16);
  const parsed = pageTokenSchema.safeParse(
    (() => {
      try {
        return JSON.parse(Buffer.from(pageToken, 'base64url').toString('utf8')) as unknown;
      } catch {
        return undefined;
      }
    })(),
  );
  if (!parsed.success || parsed.data.l !== listing) throw invalidPageToken();
  return Buffer.from(parsed.data.t, 'base64');
}

const invalidPageToken = () =>
  new HttpError(400, 'invalid_page_token', 'pageToken is not one this listing gave out; start from the first page');
