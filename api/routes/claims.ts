/** A reviewer takes a case (a lease, renewed by claiming again) or lets it go: the workflow's claim Updates. */
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { FastifyRequest } from 'fastify';
import { claimCaseUpdate, onboardingWorkflowId, releaseCaseUpdate } from '../../workflows/onboarding-contract';
import { presentState } from '../context';
import { HttpError } from '../errors';
import { recordRefusal, refusalError, refusalsDescribed } from '../refusals';
import { assertionFor } from '../review-assertion';
import { AUTH_ERRORS, errors, onboardingIdParams, UNAVAILABLE } from '../schemas/common';
import { onboardingViewSchema } from '../schemas/onboarding';
import type { RouteGroup } from './plugin';
import { DECIDING_ROLES } from '../auth';

export const claimRoutes: RouteGroup = async (app, { context }) => {
  const { temporal, withDeadline, requireRole } = context;

  const run = async (request: FastifyRequest, onboardingId: string, kind: 'claim' | 'release') => {
    const principal = request.principal!;
    const { name: reviewer, channel } = principal;
    const handle = temporal.workflow.getHandle(onboardingWorkflowId(onboardingId));
    const updateId = randomUUID();
    const assertion = await assertionFor(context, principal, { onboardingId, action: kind, updateId });
    try {
      const state = await withDeadline(() =>
        handle.executeUpdate(kind === 'claim' ? claimCaseUpdate : releaseCaseUpdate, {
          args: [{ reviewer, channel, assertion }],
          updateId,
        }),
      );
      context.metrics.review(kind, 'accepted', channel);
      return presentState(state);
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError) {
        const refusal = error.cause?.message ?? 'refused';
        await recordRefusal(context, { onboardingId, kind, actor: reviewer, channel, refusal });
        throw await refusalError(context, onboardingId, refusal);
      }
      if (error instanceof WorkflowNotFoundError)
        throw new HttpError(404, 'onboarding_not_found', 'No onboarding with this ID');
      throw error;
    }
  };

  const schema = (summary: string, ok: string, refusals: Parameters<typeof refusalsDescribed>[0]) => ({
    summary,
    params: onboardingIdParams,
    response: {
      200: onboardingViewSchema.meta({ description: ok }),
      ...errors({
        400: 'Not an onboarding ID',
        ...AUTH_ERRORS,
        404: 'Unknown onboarding',
        409: refusalsDescribed(refusals),
        503: `${UNAVAILABLE}, or review_keys_missing`,
      }),
    },
  });

  app.post(
    '/v1/onboardings/:onboardingId/claim',
    {
      onRequest: requireRole(...DECIDING_ROLES),
      schema: schema(
        "Claim a case for the policy's lease, or renew your claim (reviewer)",
        'The onboarding, with its claim',
        ['claimed_by_other', 'review_not_due', 'assertion_invalid', 'invalid_payload'],
      ),
    },
    (request) => run(request, request.params.onboardingId, 'claim'),
  );
  app.delete(
    '/v1/onboardings/:onboardingId/claim',
    {
      onRequest: requireRole(...DECIDING_ROLES),
      schema: schema('Release your claim (reviewer)', 'The onboarding, unclaimed', [
        'not_claimed_by_you',
        'assertion_invalid',
        'invalid_payload',
      ]),
    },
    (request) => run(request, request.params.onboardingId, 'release'),
  );
};
