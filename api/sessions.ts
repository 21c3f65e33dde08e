/**
 * Console sessions: a reviewer signs in once (with a reviewer token, or by single sign-on) and gets
 * an httpOnly, SameSite=Strict cookie holding a random session ID. The store keeps only the ID's
 * hash. Every state-changing request made with the cookie must carry the session's CSRF token in
 * `X-CSRF-Token`. A session unused for the idle timeout is over; one that no longer stands (its
 * token was removed, say: `token-sessions.ts`) is ended when next presented.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ConsoleSession, DecisionStore } from '../store/decision-store';
import type { Principal } from './auth';
import { HttpError } from './errors';
import type { SecurityLog } from './security-log';

export const SESSION_COOKIE = 'kyc_session';
export const CSRF_HEADER = 'x-csrf-token';
/** `idle` on the console's requests made while nobody is at the tab; such requests are not use. */
export const ACTIVITY_HEADER = 'x-console-activity';
const SAFE_METHODS = ['GET', 'HEAD', 'OPTIONS'];
/** A session's last use is written at most this often (more often for a short idle timeout). */
const touchEveryMs = (idleMs: number | undefined) => Math.min(60_000, (idleMs ?? Infinity) / 4);

const hash = (sessionId: string) => createHash('sha256').update(sessionId).digest('hex');

export interface SessionOptions {
  store: DecisionStore;
  securityLog: SecurityLog;
  ttlMs: number;
  /** A session unused this long is over (default: never, within its TTL). */
  idleMs?: number | undefined;
  /** The session as it stands today (its roles as configured now), or undefined if it no longer does. */
  stillStands?: (session: ConsoleSession) => ConsoleSession | undefined;
  /** Mark the cookie Secure: behind TLS (default: when the request came over https). */
  secureCookie?: boolean | undefined;
}

/** The cookie's attributes: httpOnly, SameSite=Strict, Secure behind TLS. */
export const sessionCookieOptions = (request: FastifyRequest, secure: boolean | undefined, maxAgeSeconds: number) => ({
  path: '/',
  httpOnly: true,
  sameSite: 'strict' as const,
  secure: secure ?? request.protocol === 'https',
  maxAge: maxAgeSeconds,
});

const sessionIdOf = (request: FastifyRequest) => {
  const sessionId = request.cookies[SESSION_COOKIE];
  return sessionId && sessionId.length <= 100 ? sessionId : undefined;
};

export function createSessions(options: SessionOptions) {
  const { store } = options;
  const cookie = (request: FastifyRequest, maxAgeSeconds: number) =>
    sessionCookieOptions(request, options.secureCookie, maxAgeSeconds);

  return {
    /** Starts a session for a reviewer with their roles, established by `method`, and sets its cookie. */
    async start(
      request: FastifyRequest,
      reply: FastifyReply,
      who: Pick<ConsoleSession, 'reviewer' | 'roles' | 'method' | 'displayName' | 'credential'>,
    ): Promise<ConsoleSession> {
      const sessionId = randomBytes(32).toString('base64url');
      const session = await store.createSession(hash(sessionId), {
        ...who,
        csrfToken: randomBytes(32).toString('base64url'),
        ttlMs: options.ttlMs,
      });
      reply.setCookie(SESSION_COOKIE, sessionId, cookie(request, Math.floor(options.ttlMs / 1000)));
      return session;
    },

    /** The request's session, if its cookie names one that has not expired, been idle too long, or lapsed. */
    async current(request: FastifyRequest): Promise<ConsoleSession | undefined> {
      const sessionId = sessionIdOf(request);
      if (!sessionId) return undefined;
      const idHash = hash(sessionId);
      const session = await store.findSession(idHash, options.idleMs);
      if (!session) return undefined;
      const standing = options.stillStands ? options.stillStands(session) : session;
      if (!standing) {
        await store.deleteSession(idHash);
        await options.securityLog.record(request, 'session_revoked', {
          actor: session.reviewer,
          detail: { method: session.method, reason: 'credential_withdrawn' },
        });
        return undefined;
      }
      // A console tab nobody has touched for a minute still polls: that is not use (console/src/activity.ts).
      const unattended = request.headers[ACTIVITY_HEADER] === 'idle';
      const sinceUse = Date.now() - Date.parse(session.lastSeenAt ?? '');
      if (!unattended && !(sinceUse < touchEveryMs(options.idleMs))) await store.touchSession(idHash);
      return standing;
    },

    /** Whether cookies set in answer to this request are marked Secure. */
    secureFor: (request: FastifyRequest): boolean => options.secureCookie ?? request.protocol === 'https',

    async end(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      const sessionId = sessionIdOf(request);
      if (sessionId) await store.deleteSession(hash(sessionId));
      reply.clearCookie(SESSION_COOKIE, cookie(request, 0));
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
      return { roles: session.roles, name: session.reviewer, channel: 'console' };
    },
  };
}

export type Sessions = ReturnType<typeof createSessions>;
