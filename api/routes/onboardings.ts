/** Start, follow and list onboardings. */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { complyCubeIdSchema } from '../../complycube/primitives';
import {
  WORKFLOW_TYPE,
  onboardingIdFromWorkflowId,
  onboardingRequestSchema,
  onboardingStatusSearchAttribute,
  REVIEW_STATUSES,
  type ReviewStatus,
} from '../../workflows/onboarding-contract';
import { onboardingLink } from '../context';
import { HttpError, isRefusedPageToken } from '../errors';
import { idempotent } from '../idempotency';
import { onboardingView } from '../onboarding-view';
import { AUTH_ERRORS, errors, idempotencyHeaders, onboardingIdParams, UNAVAILABLE } from '../schemas/common';
import { listPageSchema, listQuerySchema, startAnswerSchema } from '../schemas/listing';
import { anyOnboardingViewSchema } from '../schemas/onboarding';
import { startOnboarding } from '../start-onboarding';
import type { RouteGroup } from './plugin';

const startBodySchema = onboardingRequestSchema
  .extend({
    reverify: z
      .boolean()
      .optional()
      .meta({ description: 'Start a new run for a client whose onboarding has ended (re-verification)' }),
  })
  .meta({
    examples: [
      {
        clientId: '5f7c6e8a9b0c1d2e3f4a5b6c',
        documentId: '5f7c6e8a9b0c1d2e3f4a5b6d',
        addressId: '5f7c6e8a9b0c1d2e3f4a5b6e',
        liveVideoId: '5f7c6e8a9b0c1d2e3f4a5b6f',
      },
    ],
  });
const pageTokenSchema = z.union([
  z.strictObject({ l: z.string(), t: z.string().min(1).max(8192) }),
  z.strictObject({ l: z.string(), o: z.iso.datetime(), i: complyCubeIdSchema }),
]);

const startSchema = {
  summary:
    'Start an onboarding (service token). The same request again answers the running or ended onboarding; ' +
    'a new run for a client whose onboarding has ended only with "reverify": true.',
  headers: idempotencyHeaders,
  body: startBodySchema,
  response: {
    201: startAnswerSchema.meta({ description: 'Started' }),
    200: startAnswerSchema.meta({
      description: 'The same request: the onboarding already running, or the outcome of the one that ended',
    }),
    ...errors({
      400: 'Invalid body, invalid_json, or invalid_idempotency_key',
      ...AUTH_ERRORS,
      409:
        'onboarding_in_progress: another request for this client runs (details.onboardingId); ' +
        'onboarding_in_flux: the onboarding changed while starting, try again; ' +
        'idempotency_key_in_progress: a request with this key is in progress',
      422: 'idempotency_key_reused: the key was used for another request',
      503: `${UNAVAILABLE} (starts are safe to retry)`,
    }),
  },
};

const listSchema = {
  summary:
    'List onboardings, optionally by status; queue=review lists the review desk (awaiting review, escalated, ' +
    'awaiting second approval) oldest first, with reasons, age, SLA time left and claim',
  querystring: listQuerySchema,
  response: {
    200: listPageSchema.meta({ description: 'A page of onboardings' }),
    ...errors({
      400: 'Invalid query, status and queue both given, or invalid_page_token: a token this listing did not give out',
      ...AUTH_ERRORS,
      503: UNAVAILABLE,
    }),
  },
};

export const onboardingRoutes: RouteGroup = async (app, { context }) => {
  const { temporal, store, withDeadline, requireRole } = context;

  /** A page of the review desk: oldest first, with what a reviewer needs to pick the next case. */
  const reviewQueuePage = async (statuses: readonly ReviewStatus[], pageSize: number, pageToken?: string) => {
    const listingKey = `review-queue:${statuses.join(',')}`;
    const position = pageToken ? readPageToken(pageToken, listingKey) : undefined;
    const page = await store.listReviewCases({
      statuses,
      limit: pageSize,
      ...(position?.o && position.i ? { after: { openedAt: position.o, onboardingId: position.i } } : {}),
    });
    const now = Date.now();
    const items = page.items.map((c) => ({
      onboardingId: c.onboardingId,
      workflowId: c.workflowId,
      runId: c.runId,
      status: c.status,
      reasons: c.reasons,
      openedAt: c.openedAt,
      ageSeconds: Math.max(0, Math.round((now - Date.parse(c.openedAt)) / 1000)),
      slaDueAt: c.slaDueAt,
      slaSecondsLeft: Math.round((Date.parse(c.slaDueAt) - now) / 1000),
      expiresAt: c.expiresAt,
      ...(c.claim && Date.parse(c.claim.expiresAt) > now ? { claim: c.claim } : {}),
      ...(c.firstApproval ? { firstApprovalBy: c.firstApproval.reviewer } : {}),
      secondApprovalRequired: c.secondApprovalRequired,
      links: { self: onboardingLink(c.onboardingId) },
    }));
    const next = page.after
      ? writePageToken({ o: page.after.openedAt, i: page.after.onboardingId }, listingKey)
      : undefined;
    return { items, ...(next ? { nextPageToken: next } : {}) };
  };

  // Start an onboarding: idempotent by itself, and by `Idempotency-Key` for the exact answer.
  app.post('/v1/onboardings', { onRequest: requireRole('service'), schema: startSchema }, async (request, reply) => {
    const { reverify = false, ...body } = request.body;
    return idempotent(context, request, reply, 'POST /v1/onboardings', { ...body, reverify }, async () => {
      const answer = await startOnboarding(context, body, reverify, request.log);
      reply.header('location', onboardingLink(body.clientId));
      return answer;
    });
  });

  // Follow one onboarding.
  app.get(
    '/v1/onboardings/:onboardingId',
    {
      onRequest: requireRole('service', 'reviewer'),
      schema: {
        summary:
          'An onboarding: status, checks, review history, decision. While no worker can answer for the run ' +
          '(a restart), a partial view (partial: true) from visibility and the review queue.',
        params: onboardingIdParams,
        response: {
          200: anyOnboardingViewSchema.meta({ description: 'The onboarding' }),
          ...errors({ 400: 'Not an onboarding ID', ...AUTH_ERRORS, 404: 'Unknown onboarding', 503: UNAVAILABLE }),
        },
      },
    },
    async (request) => onboardingView(context, request.params.onboardingId),
  );

  // List onboardings: cases on the review desk from the review queue, oldest first; others from
  // Temporal's visibility (which cannot sort), newest first.
  app.get('/v1/onboardings', { onRequest: requireRole('service', 'reviewer'), schema: listSchema }, async (request) => {
    const query = request.query;
    const deskStatuses: readonly ReviewStatus[] | undefined =
      query.queue === 'review'
        ? REVIEW_STATUSES
        : query.status && (REVIEW_STATUSES as readonly string[]).includes(query.status)
          ? [query.status as ReviewStatus]
          : undefined;
    if (query.queue && query.status) {
      throw new HttpError(400, 'invalid_request', 'Give status or queue, not both');
    }
    if (deskStatuses) return reviewQueuePage(deskStatuses, query.pageSize, query.pageToken);
    const filters = [`WorkflowType = '${WORKFLOW_TYPE}'`];
    if (query.status) filters.push(`${onboardingStatusSearchAttribute.name} = '${query.status}'`);
    const visibilityQuery = filters.join(' AND ');
    const temporalToken = query.pageToken
      ? Buffer.from(readPageToken(query.pageToken, visibilityQuery).t ?? '', 'base64')
      : undefined;
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
          runId: execution.execution?.runId ?? undefined,
          status: typeof status === 'string' ? status : undefined,
          startedAt: execution.startTime?.seconds
            ? new Date(Number(execution.startTime.seconds) * 1000).toISOString()
            : undefined,
          links: { self: onboardingLink(onboardingId) },
        },
      ];
    });
    const next = response.nextPageToken?.length
      ? writePageToken({ t: Buffer.from(response.nextPageToken).toString('base64') }, visibilityQuery)
      : undefined;
    return { items, ...(next ? { nextPageToken: next } : {}) };
  });
};

/**
 * Page tokens carry where the next page starts and which listing it belongs to, so a token from
 * another listing, or one that was never ours, is refused (400) before anything reads it.
 */
function writePageToken(position: Record<string, string>, listingKey: string): string {
  return Buffer.from(JSON.stringify({ l: listingOf(listingKey), ...position })).toString('base64url');
}

function readPageToken(pageToken: string, listingKey: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(pageToken, 'base64url').toString('utf8'));
  } catch {
    throw invalidPageToken();
  }
  const token = pageTokenSchema.safeParse(parsed);
  if (!token.success || token.data.l !== listingOf(listingKey)) throw invalidPageToken();
  return token.data;
}

const listingOf = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 16);

const invalidPageToken = () =>
  new HttpError(400, 'invalid_page_token', 'pageToken is not one this listing gave out; start from the first page');
