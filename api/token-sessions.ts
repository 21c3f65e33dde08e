/**
 * Whether a console session still stands. One opened with a reviewer token stands while that token
 * is configured with a desk role and token sign-in is on: a token removed (or rotated) from the
 * configuration ends the sessions it opened, and one moved to another role carries its new roles.
 * A single sign-on session keeps the roles its ID token gave until it expires or idles out.
 */
import type { ConsoleSession } from '../store/decision-store';
import { DESK_ROLES, type Authenticator } from './auth';

export function sessionStillStands(
  authenticate: Pick<Authenticator, 'byFingerprint'>,
  tokenSignIn: boolean,
): (session: ConsoleSession) => ConsoleSession | undefined {
  return (session) => {
    if (session.method !== 'token') return session;
    if (!tokenSignIn || !session.credential) return undefined;
    const principal = authenticate.byFingerprint(session.credential);
    const roles = principal?.roles.filter((role) => (DESK_ROLES as readonly string[]).includes(role)) ?? [];
    return principal && roles.length > 0 ? { ...session, reviewer: principal.name, roles } : undefined;
  };
}
