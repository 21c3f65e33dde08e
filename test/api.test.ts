import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, Socket, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { createApi } from '../api/app';
import { apiConnectionOptions } from '../api/temporal-connection';
import { signWebhookBody } from '../complycube/webhook-signature';
import type { SeededApplicant } from '../complycube-emulator/seed-applicant';
import { DEFAULT_POLICY, REVIEW_REFUSALS } from '../workflows/onboarding-contract';
import {
  OTHER_REVIEWER_TOKEN,
  REVIEWER_TOKEN,
  SERVICE_TOKEN,
  startTestSystem,
  type TestSystem,
  TEST_DATA_CONVERTER,
  payloadText,
  checkSignals,
} from './helpers/system';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const hexId = () => randomBytes(12).toString('hex');

interface Reply {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

/** A TCP proxy to the dev server that can be switched off, to take Temporal away from one API. */
class SwitchableProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;
  constructor(private readonly target: { host: string; port: number }) {}

  async up(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = new Socket();
      upstream.connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  async down(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

describe('onboarding API over real HTTP, with a real dev server, worker and emulator', () => {
  let system: TestSystem;
  let call: (
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; raw?: string },
  ) => Promise<Reply>;

  before(async () => {
    system = await startTestSystem();
    call = async (method, path, { token, body, raw } = {}) => {
      const response = await fetch(`${system.apiUrl}${path}`, {
        method,
        headers: {
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined || raw !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
        body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
      });
      const text = await response.text();
      return {
        status: response.status,
        body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
        headers: response.headers,
      };
    };
  });

  after(async () => {
    await system?.close();
  });

  const start = (applicant: SeededApplicant) =>
    call('POST', '/v1/onboardings', { token: SERVICE_TOKEN, body: applicant });
  const get = (id: string) => call('GET', `/v1/onboardings/${id}`, { token: SERVICE_TOKEN });
  const waitForStatus = async (id: string, status: string, timeoutMs = 20_000) => {
    const until = Date.now() + timeoutMs;
    let last: Reply | undefined;
    while (Date.now() < until) {
      last = await get(id);
      if (last.body.status === status) return last;
      await sleep(100);
    }
    assert.fail(`onboarding did not reach ${status}: ${JSON.stringify(last?.body)}`);
  };

  describe('POST /v1/onboardings', () => {
    it('starts an onboarding: 201 with its IDs, status and link', async () => {
      const applicant = await system.seed();
      const reply = await start(applicant);
      assert.equal(reply.status, 201);
      assert.equal(reply.body.onboardingId, applicant.clientId);
      assert.equal(reply.body.workflowId, `onboarding-${applicant.clientId}`);
      assert.equal(reply.body.status, 'checks_running');
      assert.equal(reply.headers.get('location'), `/v1/onboardings/${applicant.clientId}`);
      assert.ok(reply.headers.get('x-request-id'));
      await waitForStatus(applicant.clientId, 'approved');
    });

    it('fixes the whole timing policy in the workflow input when it starts', async () => {
      const applicant = await system.seed();
      assert.equal((await start(applicant)).status, 201);
      const handle = system.client.workflow.getHandle(`onboarding-${applicant.clientId}`);
      const started = (await handle.fetchHistory()).events?.[0]?.workflowExecutionStartedEventAttributes;
      const input = JSON.parse(await payloadText(started!.input!.payloads![0])) as unknown;
      assert.deepEqual((input as { policy?: unknown }).policy, DEFAULT_POLICY);
      assert.deepEqual((await waitForStatus(applicant.clientId, 'approved')).body.policy, DEFAULT_POLICY);
    });

    it('is idempotent while running and after it ended, 409 for a different request, a new run only on reverify', async () => {
      const applicant = await system.seed();
      await system.control(`/clients/${applicant.clientId}/behaviour`, {
        identity_fraud_check: { latencyMs: 1500 },
      });
      const first = await start(applicant);
      const again = await start(applicant);
      assert.equal(first.status, 201);
      assert.equal(again.status, 200);
      assert.equal(again.body.runId, first.body.runId);
      const different = await start({ ...applicant, addressId: hexId() });
      assert.equal(different.status, 409);
      assert.equal(different.body.error, 'onboarding_in_progress');

      await waitForStatus(applicant.clientId, 'approved');
      // A retry of the same start after the run has ended starts nothing: it answers the outcome.
      const retried = await start(applicant);
      assert.deepEqual([retried.status, retried.body.status, retried.body.runId], [200, 'approved', first.body.runId]);
      const reverification = await call('POST', '/v1/onboardings', {
        token: SERVICE_TOKEN,
        body: { ...applicant, reverify: true },
      });
      assert.equal(reverification.status, 201);
      assert.notEqual(reverification.body.runId, first.body.runId);
      await waitForStatus(applicant.clientId, 'approved');
      const decisions = await call('GET', `/v1/decisions/${applicant.clientId}`, { token: SERVICE_TOKEN });
      assert.deepEqual(
        (decisions.body.items as { runId: string }[]).map((d) => d.runId),
        [reverification.body.runId, first.body.runId],
      );
    });

    it('starts one workflow when the same request arrives ten times at once', async () => {
      const applicant = await system.seed();
      const replies = await Promise.all(Array.from({ length: 10 }, () => start(applicant)));
      assert.deepEqual(replies.map((r) => r.status).sort(), [200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
      assert.equal(new Set(replies.map((r) => r.body.runId)).size, 1);
      let runs = 0;
      for await (const _ of system.client.workflow.list({ query: `WorkflowId = 'onboarding-${applicant.clientId}'` })) {
        runs += 1;
      }
      assert.equal(runs, 1);
      await waitForStatus(applicant.clientId, 'approved');
    });

    it('answers 400 with what is wrong for bad input, never a stack trace', async () => {
      const applicant = await system.seed();
      let reply = await start({ ...applicant, documentId: 'DROP TABLE', extra: true } as unknown as SeededApplicant);
      assert.equal(reply.status, 400);
      assert.equal(reply.body.error, 'invalid_request');
      const details = reply.body.details as { path: string; code: string }[];
      assert.deepEqual(details.map((d) => d.path).sort(), ['(body)', 'documentId']);
      assert.ok(details.some((d) => d.code === 'unrecognized_keys'));

      reply = await call('POST', '/v1/onboardings', { token: SERVICE_TOKEN, raw: '{"clientId":' });
      assert.deepEqual([reply.status, reply.body.error], [400, 'invalid_json']);
      reply = await call('POST', '/v1/onboardings', {
        token: SERVICE_TOKEN,
        raw: JSON.stringify({ pad: 'x'.repeat(100_000) }),
      });
      assert.equal(reply.status, 413);
      reply = await call('POST', '/v1/onboardings', { token: SERVICE_TOKEN, body: [] });
      assert.equal(reply.status, 400);
      assert.ok(!JSON.stringify(reply.body).includes('    at '), 'no stack trace');
    });

    it('requires a service token: 401 without or with a wrong one, 403 for a reviewer', async () => {
      const applicant = await system.seed();
      assert.equal((await call('POST', '/v1/onboardings', { body: applicant })).status, 401);
      assert.equal(
        (await call('POST', '/v1/onboardings', { token: 'wrong-token-0123456789', body: applicant })).status,
        401,
      );
      assert.equal((await call('POST', '/v1/onboardings', { token: REVIEWER_TOKEN, body: applicant })).status, 403);
      const malformed = await fetch(`${system.apiUrl}/v1/onboardings`, {
        method: 'POST',
        headers: { Authorization: SERVICE_TOKEN, 'Content-Type': 'application/json' },
        body: JSON.stringify(applicant),
      });
      assert.equal(malformed.status, 401, 'a token without the Bearer scheme is not accepted');
    });
  });

  describe('GET /v1/onboardings', () => {
    it('returns one onboarding, 404 for an unknown ID and 400 for a malformed one', async () => {
      const applicant = await system.seed();
      await start(applicant);
      const done = await waitForStatus(applicant.clientId, 'approved');
      assert.equal((done.body.checks as unknown[]).length, 2);
      assert.equal((done.body.decision as { decidedByKind: string }).decidedByKind, 'automatic');
      assert.equal((await get(hexId())).status, 404);
      assert.equal((await get('not-an-id')).status, 400);
      assert.equal((await call('GET', `/v1/onboardings/${applicant.clientId}`, { token: REVIEWER_TOKEN })).status, 200);
    });

    it('answers from the decision store once Temporal has forgotten the run', async () => {
      // A run decided long ago, past Temporal's retention: only the decision store remembers it.
      const onboardingId = hexId();
      const runId = 'run-decided-before-retention';
      await system.store.recordDecision({
        onboardingId,
        workflowId: `onboarding-${onboardingId}`,
        runId,
        decision: 'rejected',
        decidedByKind: 'reviewer',
        decidedBy: 'reviewer-alice',
        reason: 'police record',
        reviewReasons: ['identity_fraud_check.attention'],
        checks: [],
        startedAt: '2025-01-01T00:00:00.000Z',
        decidedAt: '2025-01-02T00:00:00.000Z',
      });
      assert.equal(
        await system.client.workflow
          .getHandle(`onboarding-${onboardingId}`)
          .describe()
          .then(
            () => 'known',
            () => 'unknown',
          ),
        'unknown',
      );

      const reply = await get(onboardingId);
      assert.equal(reply.status, 200);
      assert.deepEqual([reply.body.status, reply.body.runId], ['rejected', runId]);
      const decision = reply.body.decision as { decidedBy: string; reason: string };
      assert.deepEqual([decision.decidedBy, decision.reason], ['reviewer-alice', 'police record']);
      assert.equal((await call('GET', `/v1/decisions/${onboardingId}`, { token: SERVICE_TOKEN })).status, 200);
      const late = await call('POST', `/v1/onboardings/${onboardingId}/review`, {
        token: REVIEWER_TOKEN,
        body: { decision: 'approve', reason: 'late' },
      });
      assert.deepEqual([late.status, late.body.error], [409, 'already_decided']);
    });

    it('lists onboardings by status from Temporal’s visibility, a page at a time', async () => {
      const waiting = [await system.seed({ lastName: 'attention' }), await system.seed({ lastName: 'attention' })];
      for (const applicant of waiting) await start(applicant);
      for (const applicant of waiting) await waitForStatus(applicant.clientId, 'awaiting_review');
      const ids = new Set(waiting.map((a) => a.clientId));
      let found: string[] = [];
      for (let i = 0; i < 50 && found.length < 2; i += 1) {
        const all: string[] = [];
        let token: string | undefined;
        let pages = 0;
        do {
          const reply = await call(
            'GET',
            `/v1/onboardings?status=awaiting_review&pageSize=1${token ? `&pageToken=${token}` : ''}`,
            { token: REVIEWER_TOKEN },
          );
          assert.equal(reply.status, 200);
          const items = reply.body.items as { onboardingId: string; status: string }[];
          assert.ok(items.length <= 1);
          assert.ok(items.every((item) => item.status === 'awaiting_review'));
          all.push(...items.map((item) => item.onboardingId));
          token = reply.body.nextPageToken as string | undefined;
          pages += 1;
        } while (token && pages < 100);
        found = all.filter((id) => ids.has(id));
        if (found.length < 2) await sleep(200); // Visibility is eventually consistent.
      }
      assert.equal(found.length, 2);
      assert.equal((await call('GET', '/v1/onboardings?status=pending', { token: REVIEWER_TOKEN })).status, 400);
      assert.equal((await call('GET', '/v1/onboardings?pageSize=1000', { token: REVIEWER_TOKEN })).status, 400);
    });
  });

  describe('POST /v1/onboardings/:id/review', () => {
    it('takes the reviewer from the token, returns the decided state, and refuses a second decision', async () => {
      const applicant = await system.seed({ lastName: 'attention' });
      await start(applicant);
      await waitForStatus(applicant.clientId, 'awaiting_review');
      const path = `/v1/onboardings/${applicant.clientId}/review`;
      assert.equal((await call('POST', path, { token: REVIEWER_TOKEN, body: { decision: 'approve' } })).status, 400);
      assert.equal(
        (
          await call('POST', path, {
            token: REVIEWER_TOKEN,
            body: { decision: 'approve', reason: 'x', reviewer: 'mallory' },
          })
        ).status,
        400,
        'the body cannot name the reviewer',
      );
      assert.equal(
        (await call('POST', path, { token: SERVICE_TOKEN, body: { decision: 'approve', reason: 'x' } })).status,
        403,
      );
      assert.equal((await call('POST', path, { body: { decision: 'approve', reason: 'x' } })).status, 401);

      // The fraud check needs attention: approving takes two reviewers (four-eyes, the default policy).
      const first = await call('POST', path, {
        token: OTHER_REVIEWER_TOKEN,
        body: { decision: 'approve', reason: 'Documents verified by hand' },
      });
      assert.deepEqual([first.status, first.body.status], [200, 'awaiting_second_approval']);
      assert.equal((first.body.firstApproval as { reviewer: string }).reviewer, 'reviewer-bob');
      const again = await call('POST', path, {
        token: OTHER_REVIEWER_TOKEN,
        body: { decision: 'approve', reason: 'me' },
      });
      assert.deepEqual(
        [again.status, again.body.error, again.body.message],
        [409, 'second_approval_by_same_reviewer', REVIEW_REFUSALS.second_approval_by_same_reviewer],
      );

      const accepted = await call('POST', path, {
        token: REVIEWER_TOKEN,
        body: { decision: 'approve', reason: 'Agreed: the police match is a namesake' },
      });
      assert.equal(accepted.status, 200);
      assert.equal(accepted.body.status, 'approved');
      const decision = accepted.body.decision as {
        decidedBy: string;
        reason: string;
        approvals: { reviewer: string }[];
      };
      assert.deepEqual(
        [decision.decidedBy, decision.reason, decision.approvals.map((a) => a.reviewer)],
        ['reviewer-alice', 'Agreed: the police match is a namesake', ['reviewer-bob', 'reviewer-alice']],
      );

      const second = await call('POST', path, { token: REVIEWER_TOKEN, body: { decision: 'reject', reason: 'late' } });
      assert.deepEqual([second.status, second.body.error], [409, 'already_decided']);
      const rows = await call('GET', `/v1/decisions/${applicant.clientId}`, { token: REVIEWER_TOKEN });
      assert.equal((rows.body.items as unknown[]).length, 1);
    });

    it('answers 409 before review is due and 404 for an unknown onboarding', async () => {
      const applicant = await system.seed();
      await system.control(`/clients/${applicant.clientId}/behaviour`, {
        enhanced_identity_check: { neverComplete: true },
      });
      await start(applicant);
      await waitForStatus(applicant.clientId, 'checks_running');
      const early = await call('POST', `/v1/onboardings/${applicant.clientId}/review`, {
        token: REVIEWER_TOKEN,
        body: { decision: 'approve', reason: 'too early' },
      });
      assert.deepEqual(
        [early.status, early.body.error, early.body.message],
        [409, 'review_not_due', REVIEW_REFUSALS.review_not_due],
      );
      const unknown = await call('POST', `/v1/onboardings/${hexId()}/review`, {
        token: REVIEWER_TOKEN,
        body: { decision: 'approve', reason: 'x' },
      });
      assert.equal(unknown.status, 404);
      await system.client.workflow.getHandle(`onboarding-${applicant.clientId}`).cancel();
    });
  });

  describe('GET /v1/decisions/:id', () => {
    it('answers 404 until a decision is recorded, and 400 for a malformed ID', async () => {
      assert.equal((await call('GET', `/v1/decisions/${hexId()}`, { token: SERVICE_TOKEN })).status, 404);
      assert.equal((await call('GET', '/v1/decisions/zzz', { token: SERVICE_TOKEN })).status, 400);
      assert.equal((await call('GET', `/v1/decisions/${hexId()}`)).status, 401);
    });
  });

  describe('POST /webhooks/complycube', () => {
    const event = (checkId: string, eventId = hexId()) =>
      JSON.stringify({
        id: eventId,
        type: 'check.completed',
        resourceType: 'check',
        payload: { id: checkId, status: 'complete', outcome: 'clear' },
        createdAt: new Date().toISOString(),
      });
    const deliver = (body: string, signature?: string) =>
      fetch(`${system.apiUrl}/webhooks/complycube`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(signature ? { 'ComplyCube-Signature': signature } : {}) },
        body,
      });

    it('refuses unsigned and forged events (401) and they change nothing', async () => {
      const applicant = await system.seed();
      await system.control(`/clients/${applicant.clientId}/behaviour`, {
        enhanced_identity_check: { neverComplete: true },
      });
      await start(applicant);
      const running = await waitForStatus(applicant.clientId, 'checks_running');
      // Wait until the fraud check has genuinely completed, so that every later call would be the forgery's doing.
      let checkId: string | undefined;
      for (let i = 0; i < 100; i += 1) {
        const checks = (await get(applicant.clientId)).body.checks as {
          type: string;
          checkId?: string;
          status: string;
        }[];
        checkId = checks.find((c) => c.type === 'enhanced_identity_check')?.checkId;
        if (checkId && checks.find((c) => c.type === 'identity_fraud_check')?.status === 'complete') break;
        await sleep(100);
      }
      assert.ok(checkId, JSON.stringify(running.body));
      const callsBefore = await system.apiCalls(applicant.clientId);
      const body = event(checkId);
      assert.equal((await deliver(body)).status, 401);
      assert.equal((await deliver(body, signWebhookBody(body, 'not-the-secret'))).status, 401);
      assert.equal((await deliver(body, 'zz')).status, 401);
      await sleep(500);
      assert.equal(await system.apiCalls(applicant.clientId), callsBefore, 'no check was fetched');
      const after = await get(applicant.clientId);
      assert.equal(after.body.status, 'checks_running');
      await system.client.workflow.getHandle(`onboarding-${applicant.clientId}`).cancel();
    });

    it('de-duplicates a replayed event and holds events for checks no run has adopted', async () => {
      const applicant = await system.seed();
      await system.control(`/clients/${applicant.clientId}/behaviour`, {
        enhanced_identity_check: { neverComplete: true },
      });
      await start(applicant);
      let checkId: string | undefined;
      for (let i = 0; i < 50 && !checkId; i += 1) {
        const reply = await get(applicant.clientId);
        checkId = (reply.body.checks as { type: string; checkId?: string }[]).find(
          (c) => c.type === 'enhanced_identity_check',
        )?.checkId;
        if (!checkId) await sleep(100);
      }
      const body = event(checkId!);
      const signature = signWebhookBody(body, system.webhookSecret);
      const first = await deliver(body, signature);
      assert.deepEqual([first.status, await first.json()], [200, { received: true, routed: true }]);
      const replay = await deliver(body, signature);
      assert.deepEqual([replay.status, await replay.json()], [200, { received: true, duplicate: true }]);
      const handle = system.client.workflow.getHandle(`onboarding-${applicant.clientId}`);
      assert.equal(await checkSignals(handle, checkId!), 1, 'one signal for two deliveries of one event');

      const unknown = event(hexId());
      const reply = await deliver(unknown, signWebhookBody(unknown, system.webhookSecret));
      assert.deepEqual([reply.status, await reply.json()], [200, { received: true, held: true }]);
      await system.client.workflow.getHandle(`onboarding-${applicant.clientId}`).cancel();
    });

    it('answers 5xx while Temporal is unreachable; ComplyCube’s redelivery then completes the onboarding', async () => {
      const [host = '127.0.0.1', port = '7233'] = system.env.address.split(':');
      const proxy = new SwitchableProxy({ host: host === 'localhost' ? '127.0.0.1' : host, port: Number(port) });
      await proxy.up();
      const connection = Connection.lazy(apiConnectionOptions({ address: `127.0.0.1:${proxy.port}` }));
      let secret = '';
      const api = await createApi({
        temporal: new Client({ connection, namespace: 'default', dataConverter: TEST_DATA_CONVERTER }),
        store: system.store,
        taskQueue: system.taskQueue,
        webhookSecret: () => secret,
        serviceTokens: [],
        reviewerTokens: [],
        logLevel: 'silent',
        temporalDeadlineMs: 1_000,
      });
      const proxiedUrl = await api.listen({ port: 0, host: '127.0.0.1' });
      // ComplyCube now delivers to the API whose Temporal we can take away.
      await system.complyCube('POST', `/webhooks/${system.webhookId}`, { enabled: false });
      const created = (await (
        await system.complyCube('POST', '/webhooks', {
          url: `${proxiedUrl}/webhooks/complycube`,
          events: ['check.completed'],
        })
      ).json()) as { id: string; secret: string };
      secret = created.secret;
      try {
        assert.equal((await fetch(`${proxiedUrl}/readyz`)).status, 200);
        const applicant = await system.seed();
        const handle = await system.start(applicant, { pollInterval: '1h', maxPollInterval: '1h' });
        await system.waitForStatus(handle, 'checks_running');
        for (let i = 0; i < 100; i += 1) {
          const state = await system.state(handle);
          if (state.checks.identity_fraud_check.checkId && state.checks.enhanced_identity_check.checkId) break;
          await sleep(50);
        }
        await proxy.down();
        const readiness = await fetch(`${proxiedUrl}/readyz`);
        assert.equal(readiness.status, 503);
        assert.equal(((await readiness.json()) as { temporal: boolean }).temporal, false);

        // Both checks complete while Temporal is out of reach: deliveries fail with 5xx and are retried.
        const failedDeliveries = async () => {
          const response = await fetch(`${system.emulatorUrl.replace(/\/v1$/, '')}/_emulator/webhook-deliveries`);
          const { items } = (await response.json()) as { items: { webhookId: string; status: number | string }[] };
          return items.filter((d) => d.webhookId === created.id && d.status !== 200).length;
        };
        for (let i = 0; i < 200 && (await failedDeliveries()) < 2; i += 1) await sleep(100);
        assert.ok((await failedDeliveries()) >= 2, 'deliveries were answered 5xx');
        assert.equal((await system.state(handle)).status, 'checks_running');

        await proxy.up();
        const decision = (await handle.result()) as { decision: string };
        assert.equal(decision.decision, 'approved');
      } finally {
        await proxy.down().catch(() => undefined);
        await api.close();
        await connection.close().catch(() => undefined);
        await system.complyCube('DELETE', `/webhooks/${created.id}`);
        await system.complyCube('POST', `/webhooks/${system.webhookId}`, { enabled: true });
      }
    });
  });

  describe('service routes', () => {
    it('serve health, readiness, the OpenAPI document and the docs page', async () => {
      assert.deepEqual((await call('GET', '/healthz')).body, { status: 'ok' });
      assert.deepEqual((await call('GET', '/readyz')).body, { status: 'ready', temporal: true, store: true });
      const openapi = await call('GET', '/openapi.json');
      assert.equal(openapi.body.openapi, '3.1.0');
      assert.ok('/v1/onboardings/{onboardingId}/review' in (openapi.body.paths as object));
      const docs = await fetch(`${system.apiUrl}/docs/`);
      assert.equal(docs.status, 200);
      assert.match(await docs.text(), /swagger/i);
      assert.equal((await call('GET', '/v2/nothing')).status, 404);
    });
  });
});
