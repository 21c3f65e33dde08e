import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { createApi } from '../api/app';
import { apiConnectionOptions } from '../api/temporal-connection';
import { signWebhookBody } from '../complycube/webhook-signature';
import type { SeededApplicant } from '../complycube-emulator/seed-applicant';
import { startEmbeddedPostgres } from '../dev/test-postgres';
import { openDecisionStore } from '../store/decision-store';
import { TEST_KEYRING } from './helpers/review-assertions';
import {
  REVIEWER_TOKEN,
  SERVICE_TOKEN,
  startTestSystem,
  type TestSystem,
  TEST_DATA_CONVERTER,
  checkSignals,
} from './helpers/system';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const hexId = () => randomBytes(12).toString('hex');

interface Reply {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
  ms: number;
}

async function request(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const started = Date.now();
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined || options.raw !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...options.headers,
    },
    body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    headers: response.headers,
    ms: Date.now() - started,
  };
}

/**
 * The API's edges, as an integrator who retries, a store or Temporal that goes away, and webhooks
 * that come broken, twice or early, would meet them (docs/edges.md).
 */
describe('the API at its edges', () => {
  let system: TestSystem;
  /** While set, the worker records decisions this much later: a slow store. */
  let decisionDelayMs = 0;
  const call = (method: string, path: string, options?: Parameters<typeof request>[3]) =>
    request(system.apiUrl, method, path, options);

  before(async () => {
    system = await startTestSystem({
      activityStore: (store) => ({
        ...store,
        async recordDecision(decision) {
          if (decisionDelayMs) await sleep(decisionDelayMs);
          return store.recordDecision(decision);
        },
        async recordDecisionWithEvents(decision, events) {
          if (decisionDelayMs) await sleep(decisionDelayMs);
          return store.recordDecisionWithEvents(decision, events);
        },
      }),
    });
  });

  after(async () => {
    await system?.close();
  });

  const start = (applicant: SeededApplicant, key?: string, extra: object = {}) =>
    call('POST', '/v1/onboardings', {
      token: SERVICE_TOKEN,
      body: { ...applicant, ...extra },
      ...(key ? { headers: { 'Idempotency-Key': key } } : {}),
    });
  const review = (onboardingId: string, body: object, key?: string) =>
    call('POST', `/v1/onboardings/${onboardingId}/review`, {
      token: REVIEWER_TOKEN,
      body,
      ...(key ? { headers: { 'Idempotency-Key': key } } : {}),
    });
  const waitForStatus = async (id: string, status: string) => {
    for (let i = 0; i < 200; i += 1) {
      const reply = await call('GET', `/v1/onboardings/${id}`, { token: SERVICE_TOKEN });
      if (reply.body.status === status) return reply;
      await sleep(100);
    }
    assert.fail(`${id} did not reach ${status}`);
  };

  describe('idempotency keys', () => {
    it('answer a retried start exactly as the first time, even after the run ended, and bill nothing twice', async () => {
      const applicant = await system.seed();
      const key = `start-${hexId()}`;
      const first = await start(applicant, key);
      assert.equal(first.status, 201);
      const retry = await start(applicant, key);
      assert.deepEqual([retry.status, retry.body], [201, first.body]);
      assert.equal(retry.headers.get('idempotent-replayed'), 'true');
      await waitForStatus(applicant.clientId, 'approved');
      const late = await start(applicant, key);
      assert.deepEqual([late.status, late.body], [201, first.body], 'the same answer after the run ended');
      // Another API process, on the same store: the same answer.
      const connection = await Connection.connect(apiConnectionOptions({ address: system.temporalAddress }));
      const other = await createApi({
        temporal: new Client({ connection, namespace: system.namespace, dataConverter: TEST_DATA_CONVERTER }),
        store: system.store,
        taskQueue: system.taskQueue,
        serviceTokens: [{ name: 'test-backend', token: SERVICE_TOKEN }],
        reviewerTokens: [],
        logLevel: 'silent',
      });
      try {
        const otherUrl = await other.listen({ port: 0, host: '127.0.0.1' });
        const elsewhere = await request(otherUrl, 'POST', '/v1/onboardings', {
          token: SERVICE_TOKEN,
          body: applicant,
          headers: { 'Idempotency-Key': key },
        });
        assert.deepEqual([elsewhere.status, elsewhere.body], [201, first.body]);
      } finally {
        await other.close();
        await connection.close();
      }
      assert.deepEqual(await system.checkCount(applicant.clientId), {
        identity_fraud_check: 1,
        enhanced_identity_check: 1,
      });
      const decisions = await call('GET', `/v1/decisions/${applicant.clientId}`, { token: SERVICE_TOKEN });
      assert.equal((decisions.body.items as unknown[]).length, 1);
    });

    it('refuse a key reused for another request (422), a malformed key (400), and a key in use (409)', async () => {
      const applicant = await system.seed();
      const key = `start-${hexId()}`;
      assert.equal((await start(applicant, key)).status, 201);
      const reused = await start({ ...applicant, addressId: hexId() }, key);
      assert.deepEqual([reused.status, reused.body.error], [422, 'idempotency_key_reused']);
      const reverify = await start(applicant, key, { reverify: true });
      assert.deepEqual([reverify.status, reverify.body.error], [422, 'idempotency_key_reused']);
      const malformed = await start(applicant, 'x'.repeat(300));
      assert.deepEqual([malformed.status, malformed.body.error], [400, 'invalid_idempotency_key']);

      const concurrent = await system.seed();
      const together = `start-${hexId()}`;
      const replies = await Promise.all(Array.from({ length: 8 }, () => start(concurrent, together)));
      const statuses = replies.map((r) => r.status);
      assert.ok(
        statuses.every((s) => s === 201 || s === 409),
        statuses.join(),
      );
      assert.ok(replies.filter((r) => r.status === 409).every((r) => r.body.error === 'idempotency_key_in_progress'));
      assert.equal(new Set(replies.filter((r) => r.status === 201).map((r) => r.body.runId)).size, 1);
      await waitForStatus(concurrent.clientId, 'approved');
      assert.deepEqual(await system.checkCount(concurrent.clientId), {
        identity_fraud_check: 1,
        enhanced_identity_check: 1,
      });
    });

    it('make a retried review the same decision: never already_decided, never a second decision', async () => {
      const applicant = await system.seed({ lastName: 'attention' });
      assert.equal((await start(applicant)).status, 201);
      await waitForStatus(applicant.clientId, 'awaiting_review');
      const key = `review-${hexId()}`;
      const decision = { decision: 'reject', reason: 'Police record match confirmed' };
      const first = await review(applicant.clientId, decision, key);
      assert.equal(first.status, 200, JSON.stringify(first.body));
      const retry = await review(applicant.clientId, decision, key);
      assert.deepEqual([retry.status, retry.body], [200, first.body]);
      const another = await review(applicant.clientId, { decision: 'approve', reason: 'second thoughts' });
      assert.deepEqual([another.status, another.body.error], [409, 'already_decided']);
      const decisions = await call('GET', `/v1/decisions/${applicant.clientId}`, { token: SERVICE_TOKEN });
      assert.equal((decisions.body.items as unknown[]).length, 1);
    });
  });

  it('refuses control characters in a review reason, and records a signal’s NUL-bearing reason anyway', async () => {
    const applicant = await system.seed({ lastName: 'attention' });
    // A run whose policy still takes decisions by signal (refused by default since 0.5.0).
    await system.start(applicant, { signalDecisions: 'accepted' });
    await waitForStatus(applicant.clientId, 'awaiting_review');
    const refused = await review(applicant.clientId, { decision: 'approve', reason: 'fine\u0000really' });
    assert.deepEqual([refused.status, refused.body.error], [400, 'invalid_request']);
    // From the CLI or the Temporal UI, a signal goes straight to the workflow: the store must cope.
    const handle = system.client.workflow.getHandle(`onboarding-${applicant.clientId}`);
    await handle.signal('reviewDecision', { decision: 'reject', reviewer: 'ops\u0000carol', reason: 'ok\u0000then' });
    const decided = await waitForStatus(applicant.clientId, 'rejected');
    assert.equal((decided.body.decision as { reason: string }).reason, 'ok\u0000then');
    const recorded = await call('GET', `/v1/decisions/${applicant.clientId}`, { token: SERVICE_TOKEN });
    const [row] = recorded.body.items as { reason: string; decidedBy: string }[];
    assert.deepEqual([row!.reason, row!.decidedBy], ['ok\ufffdthen', 'ops\ufffdcarol']);
  });

  it('reports a review accepted while the store is slow as accepted (202), and its retry as decided', async () => {
    const applicant = await system.seed({ lastName: 'attention' });
    assert.equal((await start(applicant)).status, 201);
    await waitForStatus(applicant.clientId, 'awaiting_review');
    decisionDelayMs = 8_000;
    try {
      const key = `review-${hexId()}`;
      // (A rejection: it ends the case with one reviewer.)
      const decision = { decision: 'reject', reason: 'Documents do not match' };
      const accepted = await review(applicant.clientId, decision, key);
      assert.deepEqual(
        [accepted.status, accepted.body.status],
        [202, 'decision_recording'],
        JSON.stringify(accepted.body),
      );
      // The retry a client makes anyway: the same Temporal update, so it waits for that decision.
      let retry = await review(applicant.clientId, decision, key);
      for (let i = 0; i < 10 && retry.status === 202; i += 1) retry = await review(applicant.clientId, decision, key);
      assert.equal(retry.status, 200, JSON.stringify(retry.body));
      assert.equal((retry.body.decision as { decidedBy: string }).decidedBy, 'reviewer-alice');
    } finally {
      decisionDelayMs = 0;
    }
  });

  describe('errors by type', () => {
    it('answers every route 503 temporal_unavailable within 2 s while Temporal cannot be reached', async () => {
      const connection = Connection.lazy(apiConnectionOptions({ address: '127.0.0.1:1' }));
      const secret = 'edges-webhook-secret';
      const api = await createApi({
        temporal: new Client({ connection, namespace: 'default', dataConverter: TEST_DATA_CONVERTER }),
        store: system.store,
        taskQueue: system.taskQueue,
        webhookSecret: secret,
        serviceTokens: [{ name: 'backend', token: SERVICE_TOKEN }],
        reviewerTokens: [{ name: 'reviewer-alice', token: REVIEWER_TOKEN }],
        reviewKeys: TEST_KEYRING,
        logLevel: 'silent',
      });
      try {
        const url = await api.listen({ port: 0, host: '127.0.0.1' });
        const applicant = { clientId: hexId(), addressId: hexId(), documentId: hexId(), liveVideoId: hexId() };
        const known = hexId();
        await system.store.recordCheck({
          checkId: known,
          checkType: 'identity_fraud_check',
          onboardingId: applicant.clientId,
          workflowId: `onboarding-${applicant.clientId}`,
          runId: 'some-run',
        });
        const webhook = JSON.stringify({
          id: hexId(),
          type: 'check.completed',
          resourceType: 'check',
          payload: { id: known, status: 'complete', outcome: 'clear' },
          createdAt: new Date().toISOString(),
        });
        const replies = await Promise.all([
          request(url, 'POST', '/v1/onboardings', { token: SERVICE_TOKEN, body: applicant }),
          request(url, 'GET', `/v1/onboardings/${applicant.clientId}`, { token: SERVICE_TOKEN }),
          // (The review queue answers from the store; a listing by any other status asks Temporal.)
          request(url, 'GET', '/v1/onboardings?status=approved', { token: REVIEWER_TOKEN }),
          request(url, 'POST', `/v1/onboardings/${applicant.clientId}/review`, {
            token: REVIEWER_TOKEN,
            body: { decision: 'approve', reason: 'ok' },
          }),
          request(url, 'POST', '/webhooks/complycube', {
            raw: webhook,
            headers: { 'ComplyCube-Signature': signWebhookBody(webhook, secret) },
          }),
        ]);
        for (const reply of replies) {
          assert.deepEqual([reply.status, reply.body.error], [503, 'temporal_unavailable'], JSON.stringify(reply.body));
          assert.equal(reply.headers.get('retry-after'), '1');
          assert.ok(reply.ms < 2_000, `answered in ${reply.ms} ms`);
        }
        const readiness = await request(url, 'GET', '/readyz');
        assert.deepEqual([readiness.status, readiness.body.temporal, readiness.body.store], [503, false, true]);
        assert.ok(readiness.ms < 2_000);
        // The released claim lets ComplyCube's redelivery try again.
        assert.equal(
          await system.store.claimWebhookEvent((JSON.parse(webhook) as { id: string }).id, 'check.completed'),
          'claimed',
        );
      } finally {
        await api.close();
        await connection.close().catch(() => undefined);
      }
    });

    it('answers 503 store_unavailable, not a Temporal outage, while PostgreSQL is away', async () => {
      const postgres = await startEmbeddedPostgres({ user: 'postgres', password: 'postgres', database: 'edges' });
      const store = await openDecisionStore({ databaseUrl: postgres.url });
      const connection = await Connection.connect(apiConnectionOptions({ address: system.temporalAddress }));
      const api = await createApi({
        temporal: new Client({ connection, namespace: system.namespace, dataConverter: TEST_DATA_CONVERTER }),
        store,
        taskQueue: system.taskQueue,
        webhookSecret: 'edges-webhook-secret',
        serviceTokens: [{ name: 'backend', token: SERVICE_TOKEN }],
        reviewerTokens: [{ name: 'reviewer-alice', token: REVIEWER_TOKEN }],
        reviewKeys: TEST_KEYRING,
        logLevel: 'silent',
      });
      // A run still checking: a review of it is refused (review_not_due), and that goes on the record.
      const checking = await system.seed();
      await system.control(`/clients/${checking.clientId}/behaviour`, {
        identity_fraud_check: { latencyMs: 60_000 },
      });
      const handle = await system.start(checking);
      try {
        const url = await api.listen({ port: 0, host: '127.0.0.1' });
        assert.equal((await request(url, 'GET', '/readyz')).status, 200);
        await postgres.stop();
        // The refusal cannot be recorded: no 409 goes out unrecorded.
        const refused = await request(url, 'POST', `/v1/onboardings/${checking.clientId}/review`, {
          token: REVIEWER_TOKEN,
          body: { decision: 'approve', reason: 'too early' },
        });
        assert.deepEqual([refused.status, refused.body.error], [503, 'store_unavailable']);
        const decisions = await request(url, 'GET', `/v1/decisions/${hexId()}`, { token: SERVICE_TOKEN });
        assert.deepEqual([decisions.status, decisions.body.error], [503, 'store_unavailable']);
        assert.ok(decisions.ms < 3_000, `answered in ${decisions.ms} ms`);
        const started = await request(url, 'POST', '/v1/onboardings', {
          token: SERVICE_TOKEN,
          body: { clientId: hexId(), addressId: hexId(), documentId: hexId(), liveVideoId: hexId() },
        });
        assert.deepEqual([started.status, started.body.error], [503, 'store_unavailable']);
        const readiness = await request(url, 'GET', '/readyz');
        assert.deepEqual([readiness.status, readiness.body.temporal, readiness.body.store], [503, true, false]);
      } finally {
        await handle.cancel().catch(() => undefined);
        await api.close();
        await connection.close();
        await store.close().catch(() => undefined);
        await postgres.stop();
      }
    });

    it('refuses a page token it did not give out with 400, at once', async () => {
      for (const token of ['AAAA', 'bm90LWEtdG9rZW4', Buffer.from('{"l":"x","t":"AAAA"}').toString('base64url')]) {
        const reply = await call('GET', `/v1/onboardings?pageToken=${token}`, { token: SERVICE_TOKEN });
        assert.deepEqual([reply.status, reply.body.error], [400, 'invalid_page_token'], token);
        assert.ok(reply.ms < 2_000, `${token}: ${reply.ms} ms`);
      }
      // A real token of one listing is not accepted by another.
      const seeded = [await system.seed(), await system.seed()];
      for (const applicant of seeded) await start(applicant);
      const page = await call('GET', '/v1/onboardings?pageSize=1', { token: SERVICE_TOKEN });
      const next = page.body.nextPageToken as string;
      assert.ok(next);
      assert.equal(
        (await call('GET', `/v1/onboardings?pageSize=1&pageToken=${next}`, { token: SERVICE_TOKEN })).status,
        200,
      );
      const elsewhere = await call('GET', `/v1/onboardings?status=approved&pageToken=${next}`, {
        token: SERVICE_TOKEN,
      });
      assert.deepEqual([elsewhere.status, elsewhere.body.error], [400, 'invalid_page_token']);
      // Ours in form, but not Temporal's: Temporal refuses it, and that is a 400 too.
      const listing = JSON.parse(Buffer.from(next, 'base64url').toString('utf8')) as { l: string };
      const forged = Buffer.from(
        JSON.stringify({ l: listing.l, t: Buffer.from('garbage').toString('base64') }),
      ).toString('base64url');
      const refused = await call('GET', `/v1/onboardings?pageSize=1&pageToken=${forged}`, { token: SERVICE_TOKEN });
      assert.deepEqual([refused.status, refused.body.error], [400, 'invalid_page_token']);
      assert.ok(refused.ms < 2_000, `${refused.ms} ms`);
    });
  });

  describe('webhooks', () => {
    const deliver = (body: string, signature = signWebhookBody(body, system.webhookSecret)) =>
      call('POST', '/webhooks/complycube', { raw: body, headers: { 'ComplyCube-Signature': signature } });
    const checkEvent = (checkId: string, id = hexId()) =>
      JSON.stringify({
        id,
        type: 'check.completed',
        resourceType: 'check',
        payload: { id: checkId, status: 'complete', outcome: 'clear' },
        createdAt: new Date().toISOString(),
      });

    it('ignores signed bodies that are not usable events, without a 5xx, and stays ready', async () => {
      const bodies = [
        checkEvent(hexId(), 'evt\u0000nul'),
        checkEvent(hexId(), 'x'.repeat(9_000)),
        checkEvent(hexId(), 'tab\there'),
        JSON.stringify({
          id: hexId(),
          type: 'check.completed\u0000',
          resourceType: 'check',
          payload: {},
          createdAt: 'x',
        }),
        JSON.stringify({ hello: 'world' }),
        JSON.stringify([1, 2, 3]),
        '{"not json',
        'null',
      ];
      for (const body of bodies) {
        const reply = await deliver(body);
        assert.equal(reply.status, 200, `${JSON.stringify(body).slice(0, 60)}: ${JSON.stringify(reply.body)}`);
        assert.ok(reply.body.ignored, JSON.stringify(reply.body));
      }
      assert.equal((await call('GET', '/readyz')).status, 200);
    });

    it('forwards concurrent deliveries of one event as exactly one signal', async () => {
      const applicant = await system.seed();
      await system.control(`/clients/${applicant.clientId}/behaviour`, {
        enhanced_identity_check: { neverComplete: true },
      });
      const handle = await system.start(applicant, { pollInterval: '1h', maxPollInterval: '1h' });
      let checkId: string | undefined;
      for (let i = 0; i < 100 && !checkId; i += 1) {
        checkId = (await system.state(handle)).checks.enhanced_identity_check.checkId;
        if (!checkId) await sleep(50);
      }
      const body = checkEvent(checkId!);
      const replies = await Promise.all(Array.from({ length: 10 }, () => deliver(body)));
      assert.deepEqual(
        replies.map((r) => r.status),
        Array(10).fill(200),
      );
      assert.equal(replies.filter((r) => r.body.routed).length, 1);
      assert.equal(replies.filter((r) => r.body.duplicate).length, 9);
      assert.equal(await checkSignals(handle, checkId!), 1);
      await handle.cancel();
    });

    it('holds an event for a check whose create answer was lost, and the adoption delivers it', async () => {
      const applicant = await system.seed();
      await system.control(`/clients/${applicant.clientId}/behaviour`, {
        identity_fraud_check: { neverComplete: true },
        enhanced_identity_check: { neverComplete: true },
      });
      // One create's answer is lost; the retry's look for its check is answered late, so the check
      // completes (and its event arrives) in between: the adoption finds it still pending.
      await system.control('/faults', { kind: 'drop_response', method: 'POST', path: '/checks', count: 1 });
      // (Within the client's 2 s timeout, so the adoption takes this answer.)
      await system.control('/faults', { kind: 'delay', delayMs: 1_500, method: 'GET', path: '/checks', count: 1 });
      const handle = await system.start(applicant, { pollInterval: '1h', maxPollInterval: '1h' });
      const emulatorRoot = system.emulatorUrl.replace(/\/v1$/, '');
      // The delay fault is spent when the retried create's look for its check arrives.
      let looking = false;
      for (let i = 0; i < 100 && !looking; i += 1) {
        const faults = (await (await fetch(`${emulatorRoot}/_emulator/faults`)).json()) as {
          fault: { kind: string };
        }[];
        looking = !faults.some((rule) => rule.fault.kind === 'delay');
        if (!looking) await sleep(50);
      }
      assert.ok(looking, 'the retried create looked for its check');
      await sleep(100);
      const state = await system.state(handle);
      const lostType = (['identity_fraud_check', 'enhanced_identity_check'] as const).find(
        (type) => state.checks[type].status === 'creating',
      );
      assert.ok(lostType, JSON.stringify(state.checks));
      const listing = await system.complyCube('GET', `/checks?clientId=${applicant.clientId}`);
      const { items: checks } = (await listing.json()) as { items: { id: string; type: string }[] };
      const lost = checks.find((c) => c.type === lostType)!;
      await system.control(`/checks/${lost.id}/complete`, { outcome: 'clear' });
      // Its event reached the API before any run knew the check.
      for (let i = 0; i < 50; i += 1) {
        if ((await system.state(handle)).checks[lostType].status === 'complete') break;
        await sleep(100);
      }
      assert.equal((await system.state(handle)).checks[lostType].status, 'complete', 'delivered on adoption, no poll');
      const other = checks.find((c) => c.type !== lostType)!;
      await system.control(`/checks/${other.id}/complete`, { outcome: 'clear' });
      await system.waitForStatus(handle, 'approved', 15_000);
      assert.deepEqual(await system.checkCount(applicant.clientId), {
        identity_fraud_check: 1,
        enhanced_identity_check: 1,
      });
    });
  });

  // Last: it stops the worker for good.
  describe('while no worker holds a run', () => {
    it('answers a waiting onboarding 200 with a partial view from visibility and the review queue, not 503', async () => {
      const applicant = await system.seed({ lastName: 'attention' });
      assert.equal((await start(applicant)).status, 201);
      await waitForStatus(applicant.clientId, 'awaiting_review');
      const reviewCase = await system.waitForReviewCase(applicant.clientId, 'awaiting_review');
      const worker = system.worker!;
      worker.shutdown();
      for (let i = 0; i < 300 && worker.getState() !== 'STOPPED'; i += 1) await sleep(100);
      assert.equal(worker.getState(), 'STOPPED');

      // The run cannot answer its state query now (as right after a restart), but Temporal is up.
      const reply = await call('GET', `/v1/onboardings/${applicant.clientId}`, { token: SERVICE_TOKEN });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.equal(reply.body.partial, true);
      assert.match(String(reply.body.message), /partial view/i);
      assert.equal(reply.body.status, 'awaiting_review');
      assert.equal(reply.body.runId, reviewCase.runId);
      assert.deepEqual(reply.body.reviewReasons, reviewCase.reasons);
      assert.equal(reply.body.reviewEscalatesAt, reviewCase.slaDueAt);
    });
  });
});
