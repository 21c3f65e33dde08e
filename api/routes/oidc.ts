/**
 * Console single sign-on by OpenID Connect (`oidc-client.ts`). `start` keeps the login's state,
 * nonce and PKCE verifier in the store under the hash of a random ID, which the browser holds in a
 * short-lived httpOnly, SameSite=Lax cookie (Lax: the provider's redirect back is a cross-site
 * navigation) scoped to the callback. `callback` takes the login once, checks the provider's answer
 * and the ID token, and starts the same session a token sign-in does (`method: 'oidc'`), with the
 * desk roles the ID token names in OIDC_ROLES_CLAIM; anyone with none is refused. Failures go back
 * to the console's sign-in page with `?sign_in_error=`, and every outcome is a security event.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OidcSettings } from '../../config/sign-in';
import { HttpError } from '../errors';
import { createOidcClient, OidcSignInFailed } from '../oidc-client';
import { oidcIdentity } from '../oidc-identity';
import { errors, UNAVAILABLE } from '../schemas/common';
import { oidcCallbackQuery, oidcInfoSchema, redirectResponse } from '../schemas/oidc';
import type { RouteGroup } from './plugin';

const LOGIN_COOKIE = 'kyc_oidc';
const CALLBACK_PATH = '/v1/session/oidc/callback';
const LOGIN_TTL_MS = 10 * 60_000;
const CONSOLE = '/console/';
const hash = (id: string) => createHash('sha256').update(id).digest('hex');

export const oidcRoutes: RouteGroup = async (app, { context }) => {
  const { sessions, securityLog, store, signInGuard } = context;
  const oidc = context.oidc && createOidcClient(context.oidc);
  const configured = (): { settings: OidcSettings; client: NonNullable<typeof oidc> } => {
    if (!context.oidc || !oidc) throw new HttpError(404, 'oidc_not_configured', 'Single sign-on is not configured');
    return { settings: context.oidc, client: oidc };
  };
  const loginCookie = (request: FastifyRequest, maxAgeSeconds: number) => ({
    path: CALLBACK_PATH,
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: sessions.secureFor(request),
    maxAge: maxAgeSeconds,
  });
  const refuse = async (request: FastifyRequest, reply: FastifyReply, reason: string, actor?: string) => {
    await securityLog.record(request, 'sign_in_failed', { actor: actor ?? null, detail: { method: 'oidc', reason } });
    return reply.redirect(`${CONSOLE}?sign_in_error=${reason}`);
  };

  app.get(
    '/v1/session/oidc',
    {
      schema: {
        summary: 'Whether the console offers single sign-on, and with which provider',
        security: [],
        response: { 200: oidcInfoSchema.meta({ description: 'The sign-in options' }) },
      },
    },
    async () => ({
      enabled: Boolean(context.oidc),
      ...(context.oidc ? { displayName: context.oidc.displayName } : {}),
      tokenSignIn: context.signIn.tokenSignIn,
    }),
  );

  app.get(
    '/v1/session/oidc/start',
    {
      config: { rateLimit: signInGuard.rateLimitFor('oidc') },
      schema: {
        summary: 'Single sign-on: redirects the browser to the identity provider (authorization code, PKCE)',
        security: [],
        response: {
          302: redirectResponse('To the identity provider'),
          ...errors({ 404: 'oidc_not_configured', 429: 'Too many attempts', 503: `oidc_unavailable; ${UNAVAILABLE}` }),
        },
      },
    },
    async (request, reply) => {
      const { client } = configured();
      const { url, login } = await client.begin();
      const loginId = randomBytes(32).toString('base64url');
      await store.saveOidcSignIn(hash(loginId), { ...login, ttlMs: LOGIN_TTL_MS });
      reply.setCookie(LOGIN_COOKIE, loginId, loginCookie(request, LOGIN_TTL_MS / 1000));
      return reply.header('cache-control', 'no-store').redirect(url.href);
    },
  );

  app.get(
    CALLBACK_PATH,
    {
      config: { rateLimit: signInGuard.rateLimitFor('oidc') },
      schema: {
        summary: "Single sign-on: the identity provider's redirect back; starts the session, then to the console",
        security: [],
        querystring: oidcCallbackQuery,
        response: {
          302: redirectResponse('To the console: signed in, or `?sign_in_error=` saying why not'),
          ...errors({ 404: 'oidc_not_configured', 429: 'Too many attempts', 503: `oidc_unavailable; ${UNAVAILABLE}` }),
        },
      },
    },
    async (request, reply) => {
      const { settings, client } = configured();
      const loginId = request.cookies[LOGIN_COOKIE];
      reply.clearCookie(LOGIN_COOKIE, loginCookie(request, 0)).header('cache-control', 'no-store');
      const login = loginId && loginId.length <= 100 ? await store.takeOidcSignIn(hash(loginId)) : undefined;
      if (!login) return refuse(request, reply, 'sso_expired');
      let claims: Record<string, unknown>;
      try {
        claims = await client.finish(request.url.split('?')[1] ?? '', login);
      } catch (error) {
        if (error instanceof OidcSignInFailed) return refuse(request, reply, error.reason);
        throw error;
      }
      const identity = oidcIdentity(claims, settings);
      if (identity.roles.length === 0) return refuse(request, reply, 'no_desk_role', identity.reviewer);
      await sessions.start(request, reply, { ...identity, method: 'oidc' });
      await securityLog.record(request, 'sign_in', {
        actor: identity.reviewer,
        detail: { method: 'oidc', roles: identity.roles, displayName: identity.displayName },
      });
      return reply.redirect(CONSOLE);
    },
  );
};
