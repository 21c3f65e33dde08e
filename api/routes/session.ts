/**
 * Console sign-in: a reviewer token, once, for a session cookie (api/sessions.ts). Only reviewer
 * tokens sign in; a service token has nothing to do at the desk.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ApiContext } from '../context';
import { HttpError, validate } from '../errors';

const signInSchema = z.strictObject({ token: z.string().min(1).max(512) });

export function sessionRoutes(app: FastifyInstance, context: ApiContext): void {
  const { sessions } = context;

  app.post('/v1/session', async (request, reply) => {
    const { token } = validate(signInSchema, request.body);
    const principal = context.authenticate(`Bearer ${token}`);
    if (!principal || principal.role !== 'reviewer') {
      throw new HttpError(401, 'unauthorized', 'That is not a reviewer token');
    }
    const session = await sessions.start(request, reply, principal.name, 'token');
    request.log.info({ reviewer: principal.name }, 'Console session started');
    return reply
      .code(201)
      .send({ reviewer: session.reviewer, csrfToken: session.csrfToken, expiresAt: session.expiresAt });
  });

  app.get('/v1/session', async (request) => {
    const session = await sessions.current(request);
    if (!session) throw new HttpError(401, 'unauthorized', 'Not signed in');
    return { reviewer: session.reviewer, csrfToken: session.csrfToken, expiresAt: session.expiresAt };
  });

  app.delete('/v1/session', async (request, reply) => {
    const session = await sessions.current(request);
    if (session) sessions.principalOf(request, session); // the CSRF token, as for any change
    await sessions.end(request, reply);
    return reply.code(204).send();
  });
}
