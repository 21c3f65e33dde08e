/**
 * The sign-in route's protections against guessing and stuffing credentials, per client address
 * (`request.ip`: behind a proxy only when API_TRUST_PROXY names it):
 *
 * - a rate limit (`@fastify/rate-limit`, in this process's memory): so many attempts a minute,
 *   whatever their outcome; the first refusal of each minute is recorded;
 * - a lockout, counted in the store (so shared by every API instance and kept across restarts):
 *   after `maxFailures` failed sign-ins within `lockoutWindowMs`, every attempt is refused with
 *   429 and Retry-After until the oldest of them leaves the window. Each refusal is recorded.
 */
import type { FastifyRequest, FastifyReply } from 'fastify';
import type { SignInPolicy } from '../config/sign-in';
import type { DecisionStore } from '../store/decision-store';
import { HttpError } from './errors';
import type { SecurityLog } from './security-log';

const MINUTE_MS = 60_000;
/** Addresses whose rate-limit refusal this minute is already recorded; bounded. */
const MAX_REMEMBERED = 10_000;

const tooMany = (retryAfterSeconds: number) =>
  new HttpError(429, 'too_many_sign_in_attempts', `Too many sign-in attempts; try again in ${retryAfterSeconds} s`);

export function createSignInGuard(store: DecisionStore, securityLog: SecurityLog, policy: SignInPolicy) {
  const recordedThisMinute = new Map<string, number>();
  const firstRefusalThisMinute = (ip: string) => {
    const now = Date.now();
    const last = recordedThisMinute.get(ip);
    if (last !== undefined && now - last < MINUTE_MS) return false;
    if (recordedThisMinute.size >= MAX_REMEMBERED) recordedThisMinute.clear();
    recordedThisMinute.set(ip, now);
    return true;
  };

  return {
    /** A sign-in route's `config.rateLimit` for `@fastify/rate-limit`; `method` says which sign-in, for the record. */
    rateLimitFor: (method: 'token' | 'oidc') => ({
      max: policy.rateLimitPerMinute,
      timeWindow: MINUTE_MS,
      keyGenerator: (request: FastifyRequest) => request.ip,
      errorResponseBuilder: (_request: FastifyRequest, context: { ttl: number }) =>
        tooMany(Math.max(1, Math.ceil(context.ttl / 1000))),
      onExceeded: (request: FastifyRequest) => {
        if (!firstRefusalThisMinute(`${method} ${request.ip}`)) return;
        securityLog
          .record(request, 'sign_in_throttled', { detail: { method, reason: 'rate_limited' } })
          .catch((error: unknown) =>
            request.log.warn({ errorType: (error as Error).name }, 'Security event not recorded'),
          );
      },
    }),

    /** Refuses (429, Retry-After) a client locked out by its recent failures, recording the refusal. */
    async assertNotLockedOut(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      const until = await store.signInLockedUntil(request.ip, {
        max: policy.maxFailures,
        windowMs: policy.lockoutWindowMs,
      });
      if (!until) return;
      const retryAfterSeconds = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));
      await securityLog.record(request, 'sign_in_throttled', {
        detail: { method: 'token', reason: 'locked_out', retryAfterSeconds },
      });
      reply.header('retry-after', String(retryAfterSeconds));
      throw tooMany(retryAfterSeconds);
    },

    /** Records a failed sign-in: it counts towards the lockout. */
    recordFailure(request: FastifyRequest, reason: string): Promise<void> {
      return securityLog.record(request, 'sign_in_failed', { detail: { method: 'token', reason } });
    },
  };
}

export type SignInGuard = ReturnType<typeof createSignInGuard>;
