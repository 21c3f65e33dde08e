/**
 * How long a console session lasts, over real HTTP on PostgreSQL: use keeps it alive, idleness
 * past CONSOLE_SESSION_IDLE_TIMEOUT ends it, and a session opened with a token ends once the token
 * is no longer configured (another API instance on the same store, configured without it).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startApiAlone, TOKEN_ENV } from './helpers/api-alone';
import { freshDatabase, type OwnDatabase } from './helpers/database';
import { call, signIn } from './helpers/http';
import { AUDITOR_TOKEN, OTHER_REVIEWER_TOKEN, REVIEWER_TOKEN, TEST_DATABASE_URL } from './helpers/system';

describe('console session lifetime', () => {
  let database: OwnDatabase;
  before(async () => {
    database = await freshDatabase(TEST_DATABASE_URL, 'sessions');
  });
  after(async () => {
    await database?.drop();
  });

  it('ends a session idle longer than the idle timeout, and keeps one in use', async () => {
    const api = await startApiAlone(database.url, { CONSOLE_SESSION_IDLE_TIMEOUT: '2s' });
    try {
      const session = await signIn(api.url, REVIEWER_TOKEN);
      // Used every 700 ms for 3.5 s: longer than the idle timeout, never idle that long.
      for (let n = 0; n < 5; n += 1) {
        await sleep(700);
        assert.equal((await call(api.url, 'GET', '/v1/session', { session })).status, 200, `use ${n}`);
      }
      // An unattended tab's polls (the console marks them idle) do not keep it alive either.
      for (let n = 0; n < 5; n += 1) {
        await sleep(500);
        const poll = await call(api.url, 'GET', '/v1/session', { session, headers: { 'X-Console-Activity': 'idle' } });
        if (poll.status === 401) break;
      }
      await sleep(500);
      const idle = await call(api.url, 'GET', '/v1/session', { session });
      assert.equal(idle.status, 401);
      assert.equal((await call(api.url, 'GET', '/v1/onboardings?queue=review', { session })).status, 401);
    } finally {
      await api.close();
    }
  });

  it('ends the sessions of a token no longer configured, and gives a moved token its new roles', async () => {
    const before = await startApiAlone(database.url);
    const alice = await signIn(before.url, REVIEWER_TOKEN);
    const bob = await signIn(before.url, OTHER_REVIEWER_TOKEN);
    await before.close();

    // The next configuration: alice's token removed, bob's moved to the auditors.
    const [, bobEntry] = TOKEN_ENV.API_REVIEWER_TOKENS.split(',');
    const after = await startApiAlone(database.url, {
      API_REVIEWER_TOKENS: '',
      API_AUDITOR_TOKENS: `${TOKEN_ENV.API_AUDITOR_TOKENS},${bobEntry!}`,
    });
    try {
      assert.equal((await call(after.url, 'GET', '/v1/session', { session: alice })).status, 401);
      const moved = await call(after.url, 'GET', '/v1/session', { session: bob });
      assert.deepEqual([moved.status, moved.body.reviewer, moved.body.roles], [200, 'reviewer-bob', ['auditor']]);
      const decided = await call(after.url, 'POST', `/v1/onboardings/${'a'.repeat(24)}/review`, {
        session: bob,
        body: { decision: 'approve', reason: 'no longer mine to decide' },
      });
      assert.equal(decided.status, 403);

      const auditor = await signIn(after.url, AUDITOR_TOKEN);
      const events = await call(after.url, 'GET', '/v1/security-events', { session: auditor });
      const revoked = events.body.items.filter((e: { kind: string }) => e.kind === 'session_revoked');
      assert.deepEqual(
        revoked.map((e: { actor: string; detail: unknown }) => [e.actor, e.detail]),
        [['reviewer-alice', { method: 'token', reason: 'credential_withdrawn' }]],
      );
    } finally {
      await after.close();
    }
  });

  it('refuses token sign-in when CONSOLE_TOKEN_SIGN_IN is false, and ends the token sessions', async () => {
    const open = await startApiAlone(database.url);
    const alice = await signIn(open.url, REVIEWER_TOKEN);
    await open.close();
    const ssoOnly = await startApiAlone(database.url, {
      CONSOLE_TOKEN_SIGN_IN: 'false',
      OIDC_ISSUER: 'http://127.0.0.1:1/',
      OIDC_CLIENT_ID: 'kyc-console',
      OIDC_REDIRECT_URI: 'http://127.0.0.1:3000/v1/session/oidc/callback',
    });
    try {
      const refused = await call(ssoOnly.url, 'POST', '/v1/session', { body: { token: REVIEWER_TOKEN } });
      assert.deepEqual([refused.status, refused.body.error], [403, 'token_sign_in_off']);
      assert.equal((await call(ssoOnly.url, 'GET', '/v1/session', { session: alice })).status, 401);
      // Bearer tokens still authenticate API calls.
      assert.equal((await call(ssoOnly.url, 'GET', '/v1/security-events', { token: AUDITOR_TOKEN })).status, 200);
    } finally {
      await ssoOnly.close();
    }
  });
});
