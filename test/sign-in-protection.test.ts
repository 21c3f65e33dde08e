/**
 * The console sign-in under attack, over real HTTP on PostgreSQL: repeated wrong tokens lock the
 * client out (429 with Retry-After) and every attempt is a security event auditors can read; the
 * rate limit holds whatever the outcome; X-Forwarded-For names the client only when its proxy is
 * trusted (API_TRUST_PROXY).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApiAlone, type ApiAlone } from './helpers/api-alone';
import { freshDatabase, type OwnDatabase } from './helpers/database';
import { call, signIn } from './helpers/http';
import { AUDITOR_TOKEN, REVIEWER_TOKEN, SENIOR_REVIEWER_TOKEN, TEST_DATABASE_URL } from './helpers/system';

const ATTACKER = '203.0.113.7';
const wrongToken = (n: number) => `wrong-token-${String(n).padStart(8, '0')}-guess`;
const from = (ip: string) => ({ 'x-forwarded-for': ip });

interface Event {
  id: number;
  kind: string;
  actor: string | null;
  ip: string | null;
  detail: Record<string, unknown>;
}

describe('sign-in protections', () => {
  let database: OwnDatabase;
  let api: ApiAlone;

  const attempt = (token: string, ip: string, at = api) =>
    call(at.url, 'POST', '/v1/session', { body: { token }, headers: from(ip) });

  async function eventsAsAuditor(query = 'limit=200'): Promise<{ items: Event[]; nextBefore?: number }> {
    const auditor = await signIn(api.url, AUDITOR_TOKEN);
    const answer = await call(api.url, 'GET', `/v1/security-events?${query}`, { session: auditor });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body;
  }

  before(async () => {
    database = await freshDatabase(TEST_DATABASE_URL, 'signin');
    api = await startApiAlone(database.url, { API_TRUST_PROXY: '127.0.0.1' });
  });
  after(async () => {
    await api?.close();
    await database?.drop();
  });

  it('locks a client out after 10 wrong tokens: 20 in a row give 401s, then 429s with Retry-After, all recorded', async () => {
    const answers = [];
    for (let n = 0; n < 20; n += 1) answers.push(await attempt(wrongToken(n), ATTACKER));
    assert.deepEqual(
      answers.map((a) => a.status),
      [...Array<number>(10).fill(401), ...Array<number>(10).fill(429)],
    );
    for (const locked of answers.slice(10)) {
      const retryAfter = Number(locked.headers.get('retry-after'));
      assert.ok(retryAfter > 800 && retryAfter <= 900, `Retry-After ${retryAfter} s: the rest of the 15 min window`);
      assert.equal(locked.body.error, 'too_many_sign_in_attempts');
    }

    // The right token from the locked-out client is refused too; from another client it signs in.
    assert.equal((await attempt(REVIEWER_TOKEN, ATTACKER)).status, 429);
    assert.equal((await attempt(REVIEWER_TOKEN, '198.51.100.2')).status, 201);

    const { items } = await eventsAsAuditor();
    const fromAttacker = items.filter((event) => event.ip === ATTACKER);
    assert.equal(fromAttacker.filter((e) => e.kind === 'sign_in_failed').length, 10);
    assert.equal(fromAttacker.filter((e) => e.kind === 'sign_in_throttled').length, 11);
    assert.ok(fromAttacker.every((e) => e.actor === null));
    assert.deepEqual(fromAttacker.find((e) => e.kind === 'sign_in_failed')?.detail, {
      method: 'token',
      reason: 'unknown_token',
    });
    assert.equal(fromAttacker.find((e) => e.kind === 'sign_in_throttled')?.detail.reason, 'locked_out');
    const signedIn = items.find((e) => e.kind === 'sign_in' && e.ip === '198.51.100.2');
    assert.deepEqual(signedIn && [signedIn.actor, signedIn.detail], [
      'reviewer-alice',
      { method: 'token', roles: ['reviewer'] },
    ]);
    // No token presented, right or wrong, is in the record.
    const recorded = JSON.stringify(items);
    for (const token of [REVIEWER_TOKEN, AUDITOR_TOKEN, wrongToken(0), wrongToken(19)]) {
      assert.ok(!recorded.includes(token), 'a token is in the security events');
    }
  });

  it('lists the events to auditors and senior reviewers only, newest first, a page at a time', async () => {
    const firstPage = await eventsAsAuditor('limit=5');
    assert.equal(firstPage.items.length, 5);
    assert.equal(firstPage.nextBefore, firstPage.items[4]!.id);
    // The newest first: the auditor's own sign-in, just before listing (more than 20 events by now).
    assert.deepEqual([firstPage.items[0]?.kind, firstPage.items[0]?.actor], ['sign_in', 'auditor-dan']);
    const ids = firstPage.items.map((e) => e.id);
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => b - a),
    );
    const next = await eventsAsAuditor(`limit=5&before=${firstPage.nextBefore}`);
    assert.ok(next.items.every((e) => e.id < firstPage.nextBefore!));

    const senior = await signIn(api.url, SENIOR_REVIEWER_TOKEN);
    assert.equal((await call(api.url, 'GET', '/v1/security-events', { session: senior })).status, 200);
    const reviewer = await signIn(api.url, REVIEWER_TOKEN);
    assert.equal((await call(api.url, 'GET', '/v1/security-events', { session: reviewer })).status, 403);
    assert.equal((await call(api.url, 'GET', '/v1/security-events')).status, 401);
    assert.equal((await call(api.url, 'GET', '/v1/security-events', { token: AUDITOR_TOKEN })).status, 200);
  });

  it('records sign-outs', async () => {
    const session = await signIn(api.url, REVIEWER_TOKEN);
    assert.equal((await call(api.url, 'DELETE', '/v1/session', { session })).status, 204);
    const [latest] = (await eventsAsAuditor('limit=2')).items.filter((e) => e.kind !== 'sign_in');
    assert.deepEqual(latest && [latest.kind, latest.actor], ['sign_out', 'reviewer-alice']);
  });

  it('rate-limits sign-in attempts per client, right or wrong, and records the first refusal', async () => {
    const limited = await startApiAlone(database.url, { API_TRUST_PROXY: '127.0.0.1', SIGN_IN_RATE_LIMIT: '3' });
    try {
      const statuses = [];
      for (let n = 0; n < 5; n += 1) statuses.push((await attempt(REVIEWER_TOKEN, '192.0.2.50', limited)).status);
      assert.deepEqual(statuses, [201, 201, 201, 429, 429]);
      const refused = await attempt(REVIEWER_TOKEN, '192.0.2.50', limited);
      assert.ok(Number(refused.headers.get('retry-after')) >= 1);
      assert.equal((await attempt(REVIEWER_TOKEN, '192.0.2.51', limited)).status, 201);
      await new Promise((resolve) => setTimeout(resolve, 200)); // the record is written after the answer
      const { items } = await eventsAsAuditor();
      const throttled = items.filter((e) => e.ip === '192.0.2.50' && e.kind === 'sign_in_throttled');
      assert.deepEqual(
        throttled.map((e) => e.detail.reason),
        ['rate_limited'],
      );
    } finally {
      await limited.close();
    }
  });

  it('does not believe X-Forwarded-For from a client that is not a trusted proxy', async () => {
    const direct = await startApiAlone(database.url, { SIGN_IN_MAX_FAILURES: '3' });
    try {
      const statuses = [];
      for (let n = 0; n < 5; n += 1) statuses.push((await attempt(wrongToken(n), `192.0.2.${n + 1}`, direct)).status);
      assert.deepEqual(statuses, [401, 401, 401, 429, 429], 'a new forged address each time escapes nothing');
    } finally {
      await direct.close();
    }
  });
});
