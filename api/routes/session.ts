/**
 * Console sign-in: a reviewer token, once, for a session cookie (api/sessions.ts). Only reviewer,
 * senior reviewer and auditor tokens sign in; a service token has nothing to do at the desk. The
 * route is rate-limited and locks out a client after repeated failures (api/sign-in-guard.ts);
 * every attempt, and every sign-out, is a security event. Single sign-on is `oidc.ts`.
 */
import { z } from 'zod';
import type { ConsoleSession } from '../../store/decision-store';
import { DESK_ROLES, tokenFingerprint } from '../auth';
import { HttpError } from '../errors';
import { errors, UNAVAILABLE } from '../schemas/common';
import { sessionSchema, signInSchema } from '../schemas/service';
import type { RouteGroup } from './plugin';

/** A session as the console reads it. */
export const presentSession = (session: ConsoleSession) => ({
  reviewer: session.reviewer,
  roles: session.roles,
  csrfToken: session.csrfToken,
  expiresAt: session.expiresAt,
  method: session.method === 'oidc' ? ('oidc' as const) : ('token' as const),
  ...(session.displayName ? { displayName: session.displayName } : {}),
});

const deskRoles = (roles: readonly string[]) => DESK_ROLES.filter((role) => roles.includes(role));

export const sessionRoutes: RouteGroup = async (app, { context }) => {
  const { sessions, signInGuard, securityLog } = context;

  app.post(
    '/v1/session',
    {
      config: { rateLimit: signInGuard.rateLimitFor('token') },
      schema: {
        summary: 'Console sign-in: a reviewer token for an httpOnly, SameSite=Strict session cookie and a CSRF token',
        security: [],
        body: signInSchema,
        response: {
          201: sessionSchema.meta({ description: 'Signed in' }),
          ...errors({
            400: 'No token',
            401: 'Not a reviewer or auditor token',
            403: 'Token sign-in is turned off: use single sign-on (token_sign_in_off)',
            429: 'Too many attempts, or too many failures, from this client: retry after Retry-After seconds',
            503: UNAVAILABLE,
          }),
        },
      },
    },
    async (request, reply) => {
      await signInGuard.assertNotLockedOut(request, reply);
      if (!context.signIn.tokenSignIn) {
        await signInGuard.recordFailure(request, 'token_sign_in_off');
        throw new HttpError(403, 'token_sign_in_off', 'Sign in with single sign-on');
      }
      const { token } = request.body;
      const principal = context.authenticate(`Bearer ${token}`);
      const roles = deskRoles(principal?.roles ?? []);
      if (!principal || roles.length === 0) {
        await signInGuard.recordFailure(request, principal ? 'not_a_desk_token' : 'unknown_token');
        throw new HttpError(401, 'unauthorized', 'That is not a reviewer or auditor token');
      }
      const session = await sessions.start(request, reply, {
        reviewer: principal.name,
        roles,
        method: 'token',
        credential: tokenFingerprint(token),
      });
      await securityLog.record(request, 'sign_in', { actor: principal.name, detail: { method: 'token', roles } });
      return reply.code(201).send(presentSession(session));
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
          ...errors({ 401: 'Not signed in, or the session expired or was idle too long', 503: UNAVAILABLE }),
        },
      },
    },
    async (request) => {
      const session = await sessions.current(request);
      if (!session) throw new HttpError(401, 'unauthorized', 'Not signed in');
      return presentSession(session);
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
      if (session) {
        await securityLog.record(request, 'sign_out', { actor: session.reviewer, detail: { method: session.method } });
      }
      return reply.code(204).send(null);
    },
  );
};
