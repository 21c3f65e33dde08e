/** A reviewer takes a case (a lease, renewed by claiming again) or lets it go: the workflow's claim Updates. */
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { claimCaseUpdate, onboardingWorkflowId, releaseCaseUpdate } from '../../workflows/onboarding-contract';
import { presentState, type ApiContext } from '../context';
import { HttpError, validate } from '../errors';
import { recordRefusal, refusalError } from '../refusals';
import { onboardingIdParams } from './onboardings';

export function claimRoutes(app: FastifyInstance, context: ApiContext): void {
  const { temporal, withDeadline, requireRole } = context;

  const run = async (request: FastifyRequest, kind: 'claim' | 'release') => {
    const { onboardingId } = validate(onboardingIdParams, request.params);
    const { name: reviewer, channel } = request.principal!;
    const handle = temporal.workflow.getHandle(onboardingWorkflowId(onboardingId));
    try {
      const state = await withDeadline(() =>
        handle.executeUpdate(kind === 'claim' ? claimCaseUpdate : releaseCaseUpdate, { args: [{ reviewer, channel }] }),
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

  app.post('/v1/onboardings/:onboardingId/claim', { preHandler: requireRole('reviewer') }, (request) =>
    run(request, 'claim'),
  );
  app.delete('/v1/onboardings/:onboardingId/claim', { preHandler: requireRole('reviewer') }, (request) =>
    run(request, 'release'),
  );
}
