/** Start, follow and list onboardings. */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { onboardingStartOptions } from '../../client/start-options';
import { complyCubeIdSchema } from '../../complycube/schemas';
import {
  WORKFLOW_TYPE,
  onboardingIdFromWorkflowId,
  onboardingRequestSchema,
  onboardingStatusSchema,
  onboardingStatusSearchAttribute,
  onboardingWorkflowId,
  type OnboardingRequest,
} from '../../workflows/onboarding-contract';
import { onboardingLink, onboardingLinks, presentState, stateOf, type ApiContext } from '../context';
import { HttpError, validate } from '../errors';

export const onboardingIdParams = z.strictObject({ onboardingId: complyCubeIdSchema });
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

  // Start an onboarding.
  app.post('/v1/onboardings', { preHandler: requireRole('service') }, async (request, reply) => {
    const body: OnboardingRequest = validate(onboardingRequestSchema, request.body);
    const workflowId = onboardingWorkflowId(body.clientId);
    const answer = (code: 200 | 201, runId: string, status: string) =>
      reply
        .code(code)
        .header('location', onboardingLink(body.clientId))
        .send({
          onboardingId: body.clientId,
          workflowId,
          runId,
          status,
          links: { self: onboardingLink(body.clientId) },
        });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        const handle = await withDeadline(() =>
          temporal.workflow.start(WORKFLOW_TYPE, onboardingStartOptions(body, context.taskQueue, context.policy)),
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
            links: { self: onboardingLink(body.clientId) },
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
          links: { self: onboardingLink(onboardingId) },
        },
      ];
    });
    const next = response.nextPageToken?.length ? Buffer.from(response.nextPageToken).toString('base64url') : undefined;
    return { items, ...(next ? { nextPageToken: next } : {}) };
  });
}
