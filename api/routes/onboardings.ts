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
  REVIEW_STATUSES,
  type ReviewStatus,
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
const pageTokenSchema = z.union([
  z.strictObject({ l: z.string(), t: z.string().min(1).max(8192) }),
  z.strictObject({ l: z.string(), o: z.iso.datetime(), i: complyCubeIdSchema }),
]);
const listQuerySchema = z.strictObject({
  status: onboardingStatusSchema.optional(),
  /** `review`: every case on the review desk (awaiting review, escalated, awaiting a second approval). */
  queue: z.literal('review').optional(),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  pageToken: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .max(4096)
    .optional(),
});

export function onboardingRoutes(app: FastifyInstance, context: ApiContext): void {
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

  // List onboardings: cases on the review desk from the review queue, oldest first; others from
  // Temporal's visibility (which cannot sort), newest first.
  app.get('/v1/onboardings', { preHandler: requireRole('service', 'reviewer') }, async (request) => {
    const query = validate(listQuerySchema, request.query);
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
          runId: execution.execution?.runId,
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
}

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
