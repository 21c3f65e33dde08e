/** Recorded decisions, kept after Temporal's retention. */
import { z } from 'zod';
import { HttpError } from '../errors';
import { AUTH_ERRORS, errors, onboardingIdParams, UNAVAILABLE } from '../schemas/common';
import { decisionSchema } from '../schemas/onboarding';
import type { RouteGroup } from './plugin';
import { DESK_ROLES } from '../auth';

const decisionsSchema = z.strictObject({ onboardingId: z.string(), items: z.array(decisionSchema) });

export const decisionRoutes: RouteGroup = async (app, { context }) => {
  app.get(
    '/v1/decisions/:onboardingId',
    {
      onRequest: context.requireRole('service', ...DESK_ROLES),
      schema: {
        summary: 'Recorded decisions for an onboarding, newest first, kept after Temporal forgets the run',
        params: onboardingIdParams,
        response: {
          200: decisionsSchema.meta({ description: 'The decisions' }),
          ...errors({ 400: 'Not an onboarding ID', ...AUTH_ERRORS, 404: 'None recorded', 503: UNAVAILABLE }),
        },
      },
    },
    async (request) => {
      const { onboardingId } = request.params;
      const items = await context.store.decisionsFor(onboardingId);
      if (items.length === 0)
        throw new HttpError(404, 'decision_not_found', 'No decision recorded for this onboarding');
      return { onboardingId, items };
    },
  );
};
