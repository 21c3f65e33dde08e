/** A reviewer's decision, as the workflow's validated Update. */
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { onboardingWorkflowId, reviewDecisionSchema, submitReviewUpdate } from '../../workflows/onboarding-contract';
import { presentState, type ApiContext } from '../context';
import { HttpError, validate } from '../errors';
import { onboardingIdParams } from './onboardings';

const reviewBodySchema = reviewDecisionSchema.omit({ reviewer: true });

export function reviewRoutes(app: FastifyInstance, context: ApiContext): void {
  const { temporal, store, withDeadline, requireRole } = context;

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
      return presentState(state);
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
}
