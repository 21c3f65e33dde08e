/**
 * A senior reviewer assigns a case to a reviewer (docs/reviewer-view.md): the workflow's
 * `assignCase` Update, with the API's assertion of the senior and the assignee bound in it. The
 * assignee holds the case until the review expires or they release it.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { z } from 'zod';
import { assignCaseUpdate, onboardingWorkflowId } from '../../workflows/onboarding-contract';
import { presentState } from '../context';
import { HttpError } from '../errors';
import { endedRunError, recordRefusal, refusalError, refusalsDescribed } from '../refusals';
import { assertionFor } from '../review-assertion';
import { AUTH_ERRORS, errors, onboardingIdParams, UNAVAILABLE } from '../schemas/common';
import { onboardingViewSchema } from '../schemas/onboarding';
import type { RouteGroup } from './plugin';

const assignmentBodySchema = z.strictObject({
  assignee: z
    .string()
    .trim()
    .min(1)
    .max(200)
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), 'must not contain control characters')
    .meta({ description: "The reviewer's name as the desk knows it: a token's name, or `oidc:<subject>`" }),
});

export const assignmentRoutes: RouteGroup = async (app, { context }) => {
  app.post(
    '/v1/onboardings/:onboardingId/assignment',
    {
      onRequest: context.requireRole('senior_reviewer'),
      schema: {
        summary: 'Assign a case to a reviewer, who holds it until the review expires (senior reviewer)',
        params: onboardingIdParams,
        body: assignmentBodySchema,
        response: {
          200: onboardingViewSchema.meta({ description: 'The onboarding, claimed for the assignee' }),
          ...errors({
            400: 'Invalid body, or not an onboarding ID',
            ...AUTH_ERRORS,
            404: 'Unknown onboarding',
            409: refusalsDescribed([
              'review_not_due',
              'already_decided',
              'senior_reviewer_required',
              'second_approval_by_same_reviewer',
              'assertion_invalid',
              'invalid_payload',
            ]),
            503: `${UNAVAILABLE}, or review_keys_missing`,
          }),
        },
      },
    },
    async (request) => {
      const { onboardingId } = request.params;
      const { assignee } = request.body;
      const principal = request.principal!;
      const { name: assignedBy, channel } = principal;
      const updateId = randomUUID();
      const assertion = await assertionFor(context, principal, {
        onboardingId,
        action: 'assign',
        updateId,
        reason: assignee,
      });
      const handle = context.temporal.workflow.getHandle(onboardingWorkflowId(onboardingId));
      try {
        const state = await context.withDeadline(() =>
          handle.executeUpdate(assignCaseUpdate, { args: [{ assignee, assignedBy, channel, assertion }], updateId }),
        );
        context.metrics.review('assignment', 'accepted', channel);
        return presentState(state);
      } catch (error) {
        if (error instanceof WorkflowUpdateFailedError) {
          const refusal = error.cause?.message ?? 'refused';
          await recordRefusal(context, {
            onboardingId,
            kind: 'assignment',
            actor: assignedBy,
            channel,
            refusal,
            assignee,
          });
          throw await refusalError(context, onboardingId, refusal);
        }
        const ended = await endedRunError(context, onboardingId, error);
        if (ended) throw ended;
        if (error instanceof WorkflowNotFoundError) {
          throw new HttpError(404, 'onboarding_not_found', 'No onboarding with this ID');
        }
        throw error;
      }
    },
  );
};
