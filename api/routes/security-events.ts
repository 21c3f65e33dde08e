/** The sign-in's security events, newest first, for auditors and senior reviewers. */
import { AUTH_ERRORS, errors, UNAVAILABLE } from '../schemas/common';
import { securityEventsQuery, securityEventsSchema } from '../schemas/security';
import type { RouteGroup } from './plugin';

export const securityEventRoutes: RouteGroup = async (app, { context }) => {
  app.get(
    '/v1/security-events',
    {
      onRequest: context.requireRole('auditor', 'senior_reviewer'),
      schema: {
        summary:
          'Security events of the console sign-in, newest first: sign-ins, failed and throttled attempts, ' +
          'sign-outs, revoked sessions; with who (when known) and the client address',
        querystring: securityEventsQuery,
        response: {
          200: securityEventsSchema.meta({ description: 'A page of events' }),
          ...errors({ 400: 'Invalid before or limit', ...AUTH_ERRORS, 503: UNAVAILABLE }),
        },
      },
    },
    async (request, reply) => {
      const { before, limit } = request.query;
      const items = await context.store.securityEvents({ before, limit });
      const last = items.at(-1);
      reply.header('cache-control', 'no-store');
      return { items, ...(items.length === limit && last ? { nextBefore: last.id } : {}) };
    },
  );
};
