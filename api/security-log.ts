/**
 * Records the console sign-in's security events (`store/security-events.ts`) for a request: its
 * client's address (as `request.ip` gives it: behind a trusted proxy, from X-Forwarded-For), the
 * kind, the reviewer when known, and a detail that never holds a token, session ID or secret.
 */
import type { FastifyRequest } from 'fastify';
import type { DecisionStore, NewSecurityEvent } from '../store/decision-store';

export interface SecurityLog {
  record(
    request: FastifyRequest,
    kind: NewSecurityEvent['kind'],
    event?: { actor?: string | null; detail?: Record<string, unknown> },
  ): Promise<void>;
}

export function createSecurityLog(store: DecisionStore): SecurityLog {
  return {
    async record(request, kind, { actor = null, detail = {} } = {}) {
      await store.recordSecurityEvent({ kind, actor, ip: request.ip, detail });
      request.log.info({ securityEvent: kind, actor, reason: detail.reason }, `Security event: ${kind}`);
    },
  };
}
