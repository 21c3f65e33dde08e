/** The audit trail of an onboarding's review: every claim, release, approval, decision and refusal. */
import { AUTH_ERRORS, errors, onboardingIdParams, UNAVAILABLE } from '../schemas/common';
import { auditTrailSchema } from '../schemas/review';
import type { RouteGroup } from './plugin';
import { DESK_ROLES, hasRole } from '../auth';

export const auditRoutes: RouteGroup = async (app, { context }) => {
  app.get(
    '/v1/onboardings/:onboardingId/audit',
    {
      onRequest: context.requireRole('service', ...DESK_ROLES),
      schema: {
        summary:
          'The audit trail: every claim, release, assignment, first approval, decision and refused attempt, oldest ' +
          'first, with actor, channel (console, api, cli, signal) and whether the actor was authenticated; internal ' +
          'notes for the desk roles only',
        params: onboardingIdParams,
        response: {
          200: auditTrailSchema.meta({ description: 'The review actions' }),
          ...errors({ 400: 'Not an onboarding ID', ...AUTH_ERRORS, 503: UNAVAILABLE }),
        },
      },
    },
    async (request) => {
      const { onboardingId } = request.params;
      const items = await context.store.reviewActionsFor(onboardingId);
      // Internal notes are the desk's: the onboarding backend (a service token) never sees them.
      const desk = hasRole(request.principal!, ...DESK_ROLES);
      return { onboardingId, items: desk ? items : items.filter((item) => item.kind !== 'note') };
    },
  );
};
