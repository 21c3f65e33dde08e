/** The audit trail of an onboarding's review: every claim, release, approval, decision and refusal. */
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context';
import { validate } from '../errors';
import { onboardingIdParams } from './onboardings';

export function auditRoutes(app: FastifyInstance, context: ApiContext): void {
  app.get(
    '/v1/onboardings/:onboardingId/audit',
    { preHandler: context.requireRole('service', 'reviewer') },
    async (request) => {
      const { onboardingId } = validate(onboardingIdParams, request.params);
      return { onboardingId, items: await context.store.reviewActionsFor(onboardingId) };
    },
  );
}
