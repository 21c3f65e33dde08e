/**
 * Console sign-in: a reviewer token, once, for a session cookie (api/sessions.ts). Only reviewer
 * tokens sign in; a service token has nothing to do at the desk.
 */
import { z } from 'zod';
import { HttpError } from '../errors';
import { errors, UNAVAILABLE } from '../schemas/common';
import { sessionSchema, signInSchema } from '../schemas/service';
import type { RouteGroup } from './plugin';

export const sessionRoutes: RouteGroup = async (app, { context }) => {
  const { sessions } = context;

  app.post(
    '/v1/session',
    {
      schema: {
        summary: 'Console sign-in: a reviewer token for an httpOnly, SameSite=Strict session cookie and a CSRF token',
        security: [],
        body: signInSchema,
        response: {
          201: sessionSchema.meta({ description: 'Signed in' }),
          ...errors({ 400: 'No token', 401: 'Not a reviewer token', 503: UNAVAILABLE }),
        },
      },
    },
    async (request, reply) => {
      const { token } = request.body;
      const principal = context.authenticate(`Bearer ${token}`);
      if (!principal || principal.role !== 'reviewer') {
        throw new HttpError(401, 'unauthorized', 'That is not a reviewer token');
      }
      const session = await sessions.start(request, reply, principal.name, 'token');
      request.log.info({ reviewer: principal.name }, 'Console session started');
      return reply
        .code(201)
        .send({ reviewer: session.reviewer, csrfToken: session.csrfToken, expiresAt: session.expiresAt });
    },
  );

  app.get(
    '/v1/session',
    {
      schema: {
        summary: 'The console session',
        security: [{ session: [] }],
        response: {
          200: sessionSchema.meta({ description: 'Signed in' }),
          ...errors({ 401: 'Not signed in, or the session expired', 503: UNAVAILABLE }),
        },
      },
    },
    async (request) => {
      const session = await sessions.current(request);
      if (!session) throw new HttpError(401, 'unauthorized', 'Not signed in');
      return { reviewer: session.reviewer, csrfToken: session.csrfToken, expiresAt: session.expiresAt };
    },
  );

  app.delete(
    '/v1/session',
    {
      schema: {
        summary: 'Sign out (needs X-CSRF-Token)',
        security: [{ session: [] }],
        response: {
          204: z.null().meta({ description: 'Signed out' }),
          ...errors({ 403: 'csrf_token_invalid', 503: UNAVAILABLE }),
        },
      },
    },
    async (request, reply) => {
      const session = await sessions.current(request);
      if (session) sessions.principalOf(request, session); // the CSRF token, as for any change
      await sessions.end(request, reply);
      return reply.code(204).send(null);
    },
  );
};
