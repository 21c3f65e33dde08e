import { createHash, timingSafeEqual } from 'node:crypto';

import type { Role } from './roles';

export { DECIDING_ROLES, DESK_ROLES, hasRole, ROLES, type Role } from './roles';

export interface Principal {
  /** The service's or the person's subject: a token's configured name, or the IdP's subject. */
  name: string;
  roles: Role[];
  /** How the caller authenticated: a bearer token (`api`) or a console session (`console`). */
  channel: 'api' | 'console';
}

interface NamedToken {
  name: string;
  token: string;
}

export interface TokenConfig {
  serviceTokens: NamedToken[];
  reviewerTokens: NamedToken[];
  seniorReviewerTokens?: NamedToken[];
  auditorTokens?: NamedToken[];
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * What a console session keeps of the token that opened it: a domain-separated SHA-256, never the
 * token, so that the session can be refused once the token is no longer configured.
 */
export const tokenFingerprint = (token: string) =>
  createHash('sha256').update('kyc-console-session\0').update(token).digest('hex');

export interface Authenticator {
  /** The principal an `Authorization: Bearer` header's token is configured as, if any. */
  (authorization: string | undefined): Principal | undefined;
  /** The principal the token with this fingerprint is configured as today, if any. */
  byFingerprint(fingerprint: string): Principal | undefined;
}

/**
 * Resolves bearer tokens to principals. Every configured token is compared, each in constant
 * time over fixed-length digests, so neither the match nor its position leaks through timing.
 */
export function createAuthenticator(config: TokenConfig): Authenticator {
  const entries = (tokens: NamedToken[] | undefined, role: Role) =>
    (tokens ?? []).map(({ name, token }) => ({
      role,
      name,
      digest: digest(token),
      fingerprint: tokenFingerprint(token),
    }));
  const known = [
    ...entries(config.serviceTokens, 'service'),
    ...entries(config.reviewerTokens, 'reviewer'),
    ...entries(config.seniorReviewerTokens, 'senior_reviewer'),
    ...entries(config.auditorTokens, 'auditor'),
  ];
  const authenticate = (authorization: string | undefined) => {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match?.[1]) return undefined;
    const presented = digest(match[1]);
    let found: Principal | undefined;
    for (const entry of known) {
      if (timingSafeEqual(presented, entry.digest) && !found) {
        found = { roles: [entry.role], name: entry.name, channel: 'api' };
      }
    }
    return found;
  };
  return Object.assign(authenticate, {
    byFingerprint(fingerprint: string): Principal | undefined {
      const entry = known.find((candidate) => candidate.fingerprint === fingerprint);
      return entry && { roles: [entry.role], name: entry.name, channel: 'console' };
    },
  });
}
