/**
 * Single sign-on end to end: a real OpenID Provider (`oidc-provider`), the system configured with
 * OIDC_* to use it, and reviewers signing in through the console in headless Chromium. The
 * session's roles are the ID token's; an auditor so signed in cannot decide; someone with no desk
 * role is refused with a clear message; a forged or replayed callback signs nobody in.
 * The sign-in page with its single sign-on button is shot to test/screenshots/.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { startApiAlone } from './helpers/api-alone';
import { launchBrowser, type TestBrowser } from './helpers/browser';
import { freshDatabase, type OwnDatabase } from './helpers/database';
import {
  freePort,
  OIDC_CLIENT_ID,
  OIDC_CLIENT_SECRET,
  sessionIn,
  signInThroughProvider,
  startOidcProvider,
  type TestOidcProvider,
} from './helpers/oidc-provider';
import { startTestSystem, TEST_DATABASE_URL, type TestSystem } from './helpers/system';

const SCREENSHOTS = path.resolve(__dirname, 'screenshots');
const CALLBACK = '/v1/session/oidc/callback';

describe('single sign-on in a browser', () => {
  let database: OwnDatabase;
  let provider: TestOidcProvider;
  let system: TestSystem;
  let browser: TestBrowser;

  const signInBySso = (page: Page, sub: string) => signInThroughProvider(page, system.apiUrl, sub);

  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const apiPort = await freePort();
    const redirectUri = `http://127.0.0.1:${apiPort}${CALLBACK}`;
    provider = await startOidcProvider(redirectUri);
    database = await freshDatabase(TEST_DATABASE_URL, 'oidc');
    system = await startTestSystem({
      databaseUrl: database.url,
      apiPort,
      env: {
        OIDC_ISSUER: provider.issuer,
        OIDC_CLIENT_ID,
        OIDC_CLIENT_SECRET,
        OIDC_REDIRECT_URI: redirectUri,
        OIDC_SCOPES: 'openid profile roles',
        OIDC_DISPLAY_NAME: 'Example Corp sign-in',
      },
    });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await system?.close();
    await provider?.close();
    await database?.drop();
  });

  it('signs a reviewer in with the roles of the ID token', async () => {
    const page = await (await browser.newProfile()).newPage();
    await page.goto(`${system.apiUrl}/console/`);
    await page.getByRole('link', { name: 'Sign in with single sign-on' }).waitFor();
    await page.getByText('Through Example Corp sign-in').waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-sign-in-sso.png'), fullPage: true });

    await signInBySso(page, 'sub-7f3a-alice');
    await page.getByRole('heading', { name: 'Review queue' }).waitFor();
    await page.getByText('Signed in as').getByText('alice').waitFor();
    const { status, body } = await sessionIn(page);
    assert.equal(status, 200);
    // `admin` is no desk role: ignored. The name is the stable subject; the user name is shown.
    assert.deepEqual(
      [body.reviewer, body.roles, body.method, body.displayName],
      ['oidc:sub-7f3a-alice', ['reviewer'], 'oidc', 'alice'],
    );
    const cookies = await page.context().cookies(system.apiUrl);
    const session = cookies.find((cookie) => cookie.name === 'kyc_session');
    assert.deepEqual([session?.httpOnly, session?.sameSite], [true, 'Strict']);
    assert.equal(
      (await page.context().cookies(`${system.apiUrl}${CALLBACK}`)).find((cookie) => cookie.name === 'kyc_oidc'),
      undefined,
      'the login cookie is gone once used',
    );
  });

  it('signs an auditor in who then cannot decide (403), and records both sign-ins', async () => {
    const page = await (await browser.newProfile()).newPage();
    await signInBySso(page, 'sub-91c2-dan');
    await page.getByRole('heading', { name: 'Review queue' }).waitFor();
    const { body } = await sessionIn(page);
    assert.deepEqual([body.reviewer, body.roles], ['oidc:sub-91c2-dan', ['auditor']]);

    // The console offers an auditor the case and its evidence, read-only: no claim, no decision form.
    const handle = await system.start(await system.seed({ lastName: 'attention' }));
    await system.waitForStatus(handle, 'awaiting_review');
    const caseId = handle.workflowId.replace(/^onboarding-/, '');
    await page.goto(`${system.apiUrl}/console/cases/${caseId}`);
    await page
      .getByRole('note')
      .getByText(/Read-only: an auditor/)
      .waitFor();
    await page.getByText('Auditor (read-only)').waitFor();
    await page.getByRole('heading', { name: 'Evidence from ComplyCube' }).waitFor();
    assert.equal(await page.getByRole('heading', { name: 'Decide' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: /claim/i }).count(), 0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-case-auditor.png'), fullPage: true });
    await handle.cancel();

    const decided = await page.evaluate(
      async ({ csrfToken }) => {
        const response = await fetch(`/v1/onboardings/${'5f7c6e8a9b0c1d2e3f4a5b6c'}/review`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
          body: JSON.stringify({ decision: 'approve', reason: 'auditors only read' }),
        });
        return { status: response.status, body: (await response.json()) as { error: string } };
      },
      { csrfToken: body.csrfToken as string },
    );
    assert.deepEqual([decided.status, decided.body.error], [403, 'forbidden']);

    const signIns = (await system.store.securityEvents({ limit: 50 })).filter((e) => e.kind === 'sign_in');
    assert.deepEqual(
      signIns.map((e) => [e.actor, e.detail]),
      [
        ['oidc:sub-91c2-dan', { method: 'oidc', roles: ['auditor'], displayName: 'dan' }],
        ['oidc:sub-7f3a-alice', { method: 'oidc', roles: ['reviewer'], displayName: 'alice' }],
      ],
    );
  });

  it('refuses someone with no desk role, saying so on the sign-in page', async () => {
    const page = await (await browser.newProfile()).newPage();
    await signInBySso(page, 'sub-44e0-eve');
    await page
      .getByRole('alert')
      .getByText(/no review desk role/)
      .waitFor();
    assert.equal((await sessionIn(page)).status, 401);
    assert.equal(new URL(page.url()).search, '', 'the error is taken off the URL');
    const [refused] = await system.store.securityEvents({ limit: 1 });
    assert.deepEqual(
      [refused?.kind, refused?.actor, refused?.detail],
      ['sign_in_failed', 'oidc:sub-44e0-eve', { method: 'oidc', reason: 'no_desk_role' }],
    );
  });

  it("signs nobody in from the provider's real answer with another state", async () => {
    const context = await browser.newProfile();
    const page = await context.newPage();
    let answer = undefined as URL | undefined;
    page.on('request', (request) => {
      if (request.url().includes(CALLBACK)) answer = new URL(request.url());
    });
    await page.goto(`${system.apiUrl}/console/`);
    await page.getByRole('link', { name: 'Sign in with single sign-on' }).click();
    await page.locator('input[name="login"]').waitFor();
    // The browser's login cookie is kept aside: its own callback finds no login, which stays unused.
    const login = (await context.cookies(`${system.apiUrl}${CALLBACK}`)).find((c) => c.name === 'kyc_oidc');
    await context.clearCookies({ name: 'kyc_oidc' });
    await page.locator('input[name="login"]').fill('sub-7f3a-alice');
    await page.locator('input[name="password"]').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('alert').waitFor();
    assert.ok(answer && answer.searchParams.get('code') && login, 'the provider answered with a code');

    const tampered = new URL(answer.href);
    tampered.searchParams.set('state', 'another-state');
    const refused = await fetch(tampered, { redirect: 'manual', headers: { cookie: `kyc_oidc=${login.value}` } });
    assert.equal(refused.headers.get('location'), '/console/?sign_in_error=sso_invalid');
    assert.equal(refused.headers.get('set-cookie')?.includes('kyc_session='), false);
  });

  it('signs nobody in from a callback with the wrong state, or without its login', async () => {
    const start = await fetch(`${system.apiUrl}/v1/session/oidc/start`, { redirect: 'manual' });
    assert.equal(start.status, 302);
    const toProvider = new URL(start.headers.get('location')!);
    assert.equal(toProvider.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(toProvider.searchParams.get('nonce') && toProvider.searchParams.get('state'));
    const loginCookie = start.headers.get('set-cookie')!;
    assert.match(loginCookie, /HttpOnly/i);
    assert.match(loginCookie, /SameSite=Lax/i);

    const callback = (query: string, cookie?: string) =>
      fetch(`${system.apiUrl}/v1/session/oidc/callback?${query}`, {
        redirect: 'manual',
        headers: cookie ? { cookie: cookie.split(';')[0]! } : {},
      });
    const forged = await callback('code=forged&state=not-the-state', loginCookie);
    assert.equal(forged.headers.get('location'), '/console/?sign_in_error=sso_invalid');
    assert.equal(forged.headers.get('set-cookie')?.includes('kyc_session='), false);
    // The login was taken by that attempt: replaying it finds nothing.
    const replayed = await callback(`code=forged&state=${toProvider.searchParams.get('state')!}`, loginCookie);
    assert.equal(replayed.headers.get('location'), '/console/?sign_in_error=sso_expired');
  });

  it('answers 503 while the identity provider cannot be reached', async () => {
    const api = await startApiAlone(database.url, {
      OIDC_ISSUER: 'http://127.0.0.1:1/',
      OIDC_CLIENT_ID,
      OIDC_REDIRECT_URI: 'http://127.0.0.1:3000/v1/session/oidc/callback',
    });
    try {
      const answer = await fetch(`${api.url}/v1/session/oidc/start`, { redirect: 'manual' });
      assert.equal(answer.status, 503);
      assert.equal(((await answer.json()) as { error: string }).error, 'oidc_unavailable');
    } finally {
      await api.close();
    }
  });
});
