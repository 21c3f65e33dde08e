import { createHash, timingSafeEqual } from 'node:crypto';

/** Service tokens start and read onboardings; reviewer tokens read and review, as the named reviewer. */
export type Role = 'service' | 'reviewer';

export interface Principal {
  role: Role;
  /** The service's or the reviewer's name, from the token configuration. */
  name: string;
  /** How the caller authenticated: a bearer token (`api`) or a console session (`console`). */
  channel: 'api' | 'console';
}

export interface TokenConfig {
  serviceTokens: { name: string; token: string }[];
  reviewerTokens: { name: string; token: string }[];
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Resolves bearer tokens to principals. Every configured token is compared, each in constant
 * time over fixed-length digests, so neither the match nor its position leaks through timing.
 */
export function createAuthenticator(config: TokenConfig): (authorization: string | undefined) => Principal | undefined {
  const known = [
    ...config.serviceTokens.map(({ name, token }) => ({ role: 'service' as const, name, digest: digest(token) })),
    ...config.reviewerTokens.map(({ name, token }) => ({ role: 'reviewer' as const, name, digest: digest(token) })),
  ];
  return (authorization) => {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match?.[1]) return undefined;
    const presented = digest(match[1]);
    let found: Principal | undefined;
    for (const entry of known) {
      if (timingSafeEqual(presented, entry.digest) && !found) {
        found = { role: entry.role, name: entry.name, channel: 'api' };
      }
    }
    return found;
  };
}
