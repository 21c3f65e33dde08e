/** Recorded decisions, kept after Temporal's retention. */
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context';
import { HttpError, validate } from '../errors';
import { onboardingIdParams } from './onboardings';

export function decisionRoutes(app: FastifyInstance, context: ApiContext): void {
  app.get(
    '/v1/decisions/:onboardingId',
    { preHandler: context.requireRole('service', 'reviewer') },
    async (request) => {
      const { onboardingId } = validate(onboardingIdParams, request.params);
      const items = await context.store.decisionsFor(onboardingId);
      if (items.length === 0)
        throw new HttpError(404, 'decision_not_found', 'No decision recorded for this onboarding');
      return { onboardingId, items };
    },
  );
}
