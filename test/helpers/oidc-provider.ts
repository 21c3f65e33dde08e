/**
 * A real OpenID Provider for the tests (`oidc-provider`), on a port of its own at `localhost` (a
 * different site from the API's `127.0.0.1`, so the provider's redirect back is cross-site as in
 * production). Its development login page takes any password; its accounts carry a `roles` claim,
 * which the `roles` scope puts in the ID token.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import type { Page } from 'playwright-core';

export const OIDC_CLIENT_ID = 'kyc-console';
export const OIDC_CLIENT_SECRET = 'kyc-console-test-secret-0123456789';

/** Subject → claims. `admin` is no desk role: it is ignored. */
export const OIDC_ACCOUNTS: Record<string, { preferred_username: string; roles: string[] }> = {
  'sub-7f3a-alice': { preferred_username: 'alice', roles: ['reviewer', 'admin'] },
  'sub-91c2-dan': { preferred_username: 'dan', roles: ['auditor'] },
  'sub-44e0-eve': { preferred_username: 'eve', roles: ['marketing'] },
};

export interface TestOidcProvider {
  issuer: string;
  close(): Promise<void>;
}

export async function startOidcProvider(redirectUri: string): Promise<TestOidcProvider> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://localhost:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: OIDC_CLIENT_ID,
        client_secret: OIDC_CLIENT_SECRET,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    findAccount: (_context, sub) => {
      const account = OIDC_ACCOUNTS[sub];
      return account && { accountId: sub, claims: () => ({ sub, ...account }) };
    },
    claims: { openid: ['sub'], profile: ['preferred_username'], roles: ['roles'] },
    // The claims of the granted scopes go in the ID token too, as many providers' role mappers do.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['oidc-test-cookie-key-0123456789'] },
  });
  server.on('request', provider.callback());
  return {
    issuer,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port no one listens on now, for an API whose redirect URI must be known before it starts. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Signs in through the console, then the provider's development login and consent pages. */
export async function signInThroughProvider(page: Page, apiUrl: string, sub: string): Promise<void> {
  await page.goto(`${apiUrl}/console/`);
  await page.getByRole('link', { name: 'Sign in with single sign-on' }).click();
  await page.locator('input[name="login"]').fill(sub);
  await page.locator('input[name="password"]').fill('any password');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(`${apiUrl}/console/**`);
}

/** The console session of the page, as the console reads it. */
export function sessionIn(page: Page): Promise<{ status: number; body: Record<string, unknown> }> {
  return page.evaluate(async () => {
    const response = await fetch('/v1/session');
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  });
}
