/**
 * The console's OpenID Connect client (`openid-client`): the authorization code flow with PKCE
 * (S256), state and nonce; the ID token's claims (issuer, audience, expiry, nonce) and its
 * signature (against the provider's published keys) are checked. The provider is discovered on
 * first use, not at start-up: one that cannot be reached makes single sign-on answer 503
 * (`oidc_unavailable`), not the API fail to start; the next attempt discovers again. Plain http
 * is allowed only for an issuer on this machine (a test's or a developer's provider).
 */
import * as client from 'openid-client';
import type { OidcSettings } from '../config/sign-in';
import type { OidcSignIn } from '../store/decision-store';
import { HttpError } from './errors';

const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];
const TIMEOUT_SECONDS = 5;

/** A login the provider refused, or a callback that does not match its login: why, for the record. */
export class OidcSignInFailed extends Error {
  constructor(readonly reason: 'sso_denied' | 'sso_invalid') {
    super(reason);
  }
}

export function createOidcClient(settings: OidcSettings) {
  let discovered: Promise<client.Configuration> | undefined;
  const configuration = async (): Promise<client.Configuration> => {
    discovered ??= discover(settings).catch((error: unknown) => {
      discovered = undefined;
      throw error;
    });
    try {
      return await discovered;
    } catch {
      throw new HttpError(503, 'oidc_unavailable', 'The identity provider cannot be reached; try again');
    }
  };

  return {
    /** Where to send the browser, and what its callback must match. */
    async begin(): Promise<{ url: URL; login: OidcSignIn }> {
      const config = await configuration();
      const login = {
        state: client.randomState(),
        nonce: client.randomNonce(),
        codeVerifier: client.randomPKCECodeVerifier(),
      };
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: settings.redirectUri,
        scope: settings.scopes,
        state: login.state,
        nonce: login.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(login.codeVerifier),
        code_challenge_method: 'S256',
      });
      return { url, login };
    },

    /** The ID token's claims, once the callback's code is exchanged and the ID token checked. */
    async finish(query: string, login: OidcSignIn): Promise<Record<string, unknown>> {
      const config = await configuration();
      const callbackUrl = new URL(settings.redirectUri);
      callbackUrl.search = query;
      try {
        const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: login.codeVerifier,
          expectedState: login.state,
          expectedNonce: login.nonce,
          idTokenExpected: true,
        });
        const claims = tokens.claims();
        if (!claims) throw new OidcSignInFailed('sso_invalid');
        return claims;
      } catch (error) {
        if (error instanceof OidcSignInFailed) throw error;
        if (error instanceof client.AuthorizationResponseError) throw new OidcSignInFailed('sso_denied');
        if (error instanceof client.ClientError || error instanceof client.ResponseBodyError) {
          throw new OidcSignInFailed('sso_invalid');
        }
        throw new HttpError(503, 'oidc_unavailable', 'The identity provider cannot be reached; try again');
      }
    },
  };
}

export type OidcClient = ReturnType<typeof createOidcClient>;

function discover(settings: OidcSettings): Promise<client.Configuration> {
  const issuer = new URL(settings.issuer);
  const local = issuer.protocol === 'http:' && LOOPBACK.includes(issuer.hostname);
  return client.discovery(
    issuer,
    settings.clientId,
    undefined,
    settings.clientSecret ? client.ClientSecretBasic(settings.clientSecret) : client.None(),
    {
      timeout: TIMEOUT_SECONDS,
      // The ID token's signature is checked against the provider's keys too, not only its claims.
      execute: local
        ? [client.allowInsecureRequests, client.enableNonRepudiationChecks]
        : [client.enableNonRepudiationChecks],
    },
  );
}
