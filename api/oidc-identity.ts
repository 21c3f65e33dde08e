/**
 * Who an ID token says signed in, as the desk knows them. The reviewer name (what the record keeps
 * as who claimed, approved or decided, and what four-eyes compares) is `oidc:` and the token's
 * `sub`: the one claim OpenID Connect promises is stable and unique at the provider; a user name
 * can be renamed or reused. It cannot be mistaken for a token's name, which holds no colon. The
 * user name (OIDC_NAME_CLAIM, default `preferred_username`, else `sub`) is shown in the console
 * and kept with each sign-in's security event, which maps the one to the other. The roles are
 * those of OIDC_ROLES_CLAIM (a list of names) that are desk roles; others are ignored.
 */
import type { OidcSettings } from '../config/sign-in';
import { DESK_ROLES, type Role } from './auth';

export interface OidcIdentity {
  reviewer: string;
  displayName: string;
  roles: Role[];
}

export function oidcIdentity(
  claims: Record<string, unknown>,
  settings: Pick<OidcSettings, 'rolesClaim' | 'nameClaim'>,
): OidcIdentity {
  const sub = String(claims.sub);
  const name = claims[settings.nameClaim];
  const listed = claims[settings.rolesClaim];
  const names = Array.isArray(listed) ? listed.filter((role): role is string => typeof role === 'string') : [];
  return {
    reviewer: `oidc:${sub}`,
    displayName: typeof name === 'string' && name.trim() !== '' ? name.trim().slice(0, 200) : sub,
    roles: DESK_ROLES.filter((role) => names.includes(role)),
  };
}
