/**
 * Listing onboardings: cases on the review desk from the review queue, oldest first; others from
 * Temporal's visibility (which cannot sort), newest first.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { complyCubeIdSchema } from '../../complycube/primitives';
import {
  WORKFLOW_TYPE,
  onboardingIdFromWorkflowId,
  onboardingStatusSearchAttribute,
  REVIEW_STATUSES,
  type ReviewStatus,
} from '../../workflows/onboarding-contract';
import { onboardingLink, type ApiContext } from '../context';
import { HttpError, isRefusedPageToken } from '../errors';
import type { listQuerySchema } from '../schemas/listing';
import type { QueueFilter } from '../../store/review-queue';

type ListQuery = z.infer<typeof listQuerySchema>;

const pageTokenSchema = z.union([
  z.strictObject({ l: z.string(), t: z.string().min(1).max(8192) }),
  z.strictObject({ l: z.string(), o: z.iso.datetime(), i: complyCubeIdSchema }),
]);

export async function listOnboardings(context: ApiContext, query: ListQuery, caller?: string) {
  const deskStatuses: readonly ReviewStatus[] | undefined =
    query.queue === 'review'
      ? REVIEW_STATUSES
      : query.status && (REVIEW_STATUSES as readonly string[]).includes(query.status)
        ? [query.status as ReviewStatus]
        : undefined;
  if (query.queue && query.status) {
    throw new HttpError(400, 'invalid_request', 'Give status or queue, not both');
  }
  const filter: QueueFilter = {
    ...(query.reason ? { reason: query.reason } : {}),
    ...(query.slaBreached === 'true' ? { slaBreached: true } : {}),
    ...(query.assignee === 'me' && caller ? { heldBy: caller } : {}),
    ...(query.clientId ? { onboardingId: query.clientId } : {}),
  };
  if (deskStatuses) return reviewQueuePage(context, deskStatuses, filter, query.pageSize, query.pageToken);
  if (Object.keys(filter).length > 0 || query.assignee) {
    throw new HttpError(
      400,
      'invalid_request',
      'reason, slaBreached, assignee and clientId filter the review desk: give queue=review or a review status',
    );
  }
  return visibilityPage(context, query);
}

/** A page of the review desk: oldest first, with what a reviewer needs to pick the next case. */
async function reviewQueuePage(
  { store }: ApiContext,
  statuses: readonly ReviewStatus[],
  filter: QueueFilter,
  pageSize: number,
  pageToken?: string,
) {
  // A page token belongs to one listing: these statuses with these filters.
  const listingKey = `review-queue:${statuses.join(',')}:${JSON.stringify(filter)}`;
  const position = pageToken ? readPageToken(pageToken, listingKey) : undefined;
  const page = await store.listReviewCases({
    statuses,
    limit: pageSize,
    filter,
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
}

/** A page of Temporal's visibility, by status if asked. */
async function visibilityPage({ temporal, withDeadline }: ApiContext, query: ListQuery) {
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
