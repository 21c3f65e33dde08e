/**
 * Console sessions: a reviewer signs in once (with a reviewer token today; single sign-on would
 * add another way to establish the same identity) and gets an httpOnly, SameSite=Strict cookie
 * holding a random session ID. The store keeps only the ID's hash. Every state-changing request
 * made with the cookie must carry the session's CSRF token in `X-CSRF-Token`.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ConsoleSession, DecisionStore } from '../store/decision-store';
import type { Principal } from './auth';
import { HttpError } from './errors';

export const SESSION_COOKIE = 'kyc_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = ['GET', 'HEAD', 'OPTIONS'];

const hash = (sessionId: string) => createHash('sha256').update(sessionId).digest('hex');

export interface SessionOptions {
  store: DecisionStore;
  ttlMs: number;
  /** Mark the cookie Secure: behind TLS (default: when the request came over https). */
  secureCookie?: boolean;
}

export function createSessions(options: SessionOptions) {
  const { store } = options;
  const cookieOptions = (request: FastifyRequest, maxAgeSeconds: number) => ({
    path: '/',
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: options.secureCookie ?? request.protocol === 'https',
    maxAge: maxAgeSeconds,
  });

  return {
    /** Starts a session for `reviewer`, established by `method`, and sets its cookie. */
    async start(
      request: FastifyRequest,
      reply: FastifyReply,
      reviewer: string,
      method: string,
    ): Promise<ConsoleSession> {
      const sessionId = randomBytes(32).toString('base64url');
      const session = await store.createSession(hash(sessionId), {
        reviewer,
        method,
        csrfToken: randomBytes(32).toString('base64url'),
        ttlMs: options.ttlMs,
      });
      reply.setCookie(SESSION_COOKIE, sessionId, cookieOptions(request, Math.floor(options.ttlMs / 1000)));
      return session;
    },

    /** The request's session, if its cookie names one that has not expired. */
    async current(request: FastifyRequest): Promise<ConsoleSession | undefined> {
      const sessionId = request.cookies[SESSION_COOKIE];
      if (!sessionId || sessionId.length > 100) return undefined;
      return store.findSession(hash(sessionId));
    },

    async end(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      const sessionId = request.cookies[SESSION_COOKIE];
      if (sessionId && sessionId.length <= 100) await store.deleteSession(hash(sessionId));
      reply.clearCookie(SESSION_COOKIE, cookieOptions(request, 0));
    },

    /**
     * The reviewer a session authenticates, for a route: a state-changing request must echo the
     * session's CSRF token, which a page of another site cannot read.
     */
    principalOf(request: FastifyRequest, session: ConsoleSession): Principal {
      if (!SAFE_METHODS.includes(request.method)) {
        const presented = request.headers[CSRF_HEADER];
        const expected = Buffer.from(session.csrfToken);
        const given = Buffer.from(typeof presented === 'string' ? presented : '');
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
          throw new HttpError(403, 'csrf_token_invalid', 'This request needs the X-CSRF-Token of your session');
        }
      }
      return { role: 'reviewer', name: session.reviewer, channel: 'console' };
    },
  };
}

export type Sessions = ReturnType<typeof createSessions>;
