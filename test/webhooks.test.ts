/**
 * Outbound webhooks over real HTTP, with a real dev server, worker, emulator and receiver: events
 * signed by the Standard Webhooks rules reach a receiver that was down meanwhile, each once or more
 * under one ID; a hanging receiver holds nobody else back; deliveries are listed and redelivered;
 * URLs that would reach private addresses are refused; secrets never lie in the store in clear.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { onboardingWorkflowId, type OnboardingDecision } from '../workflows/onboarding-contract';
import { call } from './helpers/http';
import { REVIEWER_TOKEN, SERVICE_TOKEN, startTestSystem, type TestSystem } from './helpers/system';
import { eventually } from './helpers/eventually';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/webhook-receiver';

describe('outbound webhooks: signed, durable, at least once, per endpoint, SSRF-guarded', () => {
  let system: TestSystem;
  let receiver: WebhookReceiver;
  let hanging: Server;
  const api = (method: string, path: string, options: Parameters<typeof call>[3] = {}) =>
    call(system.apiUrl, method, path, { token: SERVICE_TOKEN, ...options });

  before(async () => {
    system = await startTestSystem();
    receiver = await startWebhookReceiver();
    // A receiver that takes the connection and never answers.
    hanging = createServer(() => undefined);
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
  });

  after(async () => {
    hanging?.closeAllConnections();
    hanging?.close();
    await receiver?.close();
    await system?.close();
  });

  it('refuses URLs that reach link-local, private or loopback-outside-the-allow-list addresses, and non-service callers', async () => {
    for (const url of ['http://169.254.169.254/latest/meta-data', 'http://[fe80::1]/hook', 'http://10.1.2.3/hook']) {
      const refused = await api('POST', '/v1/webhook-endpoints', { body: { url } });
      assert.equal(refused.status, 400, url);
      assert.equal(refused.body.error, 'url_not_allowed', JSON.stringify(refused.body));
    }
    const ftp = await api('POST', '/v1/webhook-endpoints', { body: { url: 'ftp://example.com/x' } });
    assert.equal(ftp.status, 400);
    const reviewer = await api('POST', '/v1/webhook-endpoints', {
      token: REVIEWER_TOKEN,
      body: { url: receiver.url },
    });
    assert.equal(reviewer.status, 403);
    const anonymous = await call(system.apiUrl, 'GET', '/v1/webhook-endpoints');
    assert.equal(anonymous.status, 401);
  });

  it('delivers every event of an onboarding, signed, to a receiver that was down, under one ID per event', async () => {
    const created = await api('POST', '/v1/webhook-endpoints', { body: { url: receiver.url, description: 'backend' } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.match(created.body.secret, /^whsec_/);
    receiver.secret = created.body.secret as string;
    const endpointId = created.body.id as string;
    // The hanging receiver takes decisions only; it must not hold the other endpoint back.
    const stuck = await api('POST', '/v1/webhook-endpoints', {
      body: { url: `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/`, eventTypes: ['onboarding.decided'] },
    });
    assert.equal(stuck.status, 201);

    // The secret is shown once: never listed, never in the store in clear.
    const listed = await api('GET', `/v1/webhook-endpoints/${endpointId}`);
    assert.equal(listed.status, 200);
    assert.equal(listed.body.secret, undefined);
    const stored = await system.store.webhookEndpoint(endpointId);
    assert.ok(stored && !stored.sealedSecret.includes(receiver.secret.slice(6)), 'the secret is sealed');

    await receiver.down();
    receiver.failFirstOfEach = true;
    const applicant = await system.seed({ lastName: 'attention' });
    const started = await api('POST', '/v1/onboardings', { body: applicant });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const handle = system.client.workflow.getHandle(onboardingWorkflowId(applicant.clientId));
    await system.waitForStatus(handle, 'awaiting_review', 30_000);
    const decided = await api('POST', `/v1/onboardings/${applicant.clientId}/review`, {
      token: REVIEWER_TOKEN,
      body: { decision: 'reject', reason: 'Document does not match the applicant' },
    });
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    const decision = (await handle.result()) as OnboardingDecision;
    assert.equal(decision.decision, 'rejected');

    // Deliveries have failed meanwhile, each recorded with its error.
    const pending = await api('GET', `/v1/webhook-endpoints/${endpointId}/deliveries`);
    assert.equal(pending.status, 200);
    assert.ok(pending.body.items.length >= 4, JSON.stringify(pending.body));
    assert.ok(
      pending.body.items.some((d: { lastError?: string }) => d.lastError === 'connection refused'),
      JSON.stringify(pending.body.items),
    );
    assert.equal(receiver.received.length, 0);

    await receiver.up();
    const types = ['onboarding.started', 'check.completed', 'onboarding.review_required', 'onboarding.decided'];
    const ids = () => new Set(receiver.received.map((event) => event.webhookId));
    await eventually('every event', () => (ids().size >= 5 ? true : undefined), 90_000);
    await eventually('every delivery delivered', async () => {
      const { body } = await api('GET', `/v1/webhook-endpoints/${endpointId}/deliveries`);
      return body.items.every((d: { status: string }) => d.status === 'delivered') ? true : undefined;
    });

    assert.ok(
      receiver.received.every((event) => event.verified),
      'every delivery verifies',
    );
    const byId = new Map(receiver.received.map((event) => [event.webhookId, event]));
    assert.equal(byId.size, 5, [...byId.values()].map((e) => e.type).join(', '));
    assert.deepEqual(new Set([...byId.values()].map((event) => event.type)), new Set(types));
    // Each was answered 500 the first time: the duplicate carries the same ID and the same body.
    for (const [id, first] of byId) {
      const copies = receiver.received.filter((event) => event.webhookId === id);
      assert.ok(copies.length >= 2, `${first.type} came again`);
      assert.ok(copies.every((copy) => copy.body === first.body));
    }
    const sequences = [...byId.values()].map((event) => event.data.sequence as number).sort((a, b) => a - b);
    assert.deepEqual(sequences, [1, 2, 3, 4, 5]);
    const decidedEvent = [...byId.values()].find((event) => event.type === 'onboarding.decided')!;
    assert.equal(decidedEvent.data.decision, 'rejected');
    assert.equal(decidedEvent.data.onboardingId, applicant.clientId);
    assert.equal(decidedEvent.data.reason, null, "a reviewer's free text never goes out");
    assert.ok(!receiver.received.some((event) => event.body.includes('Document does not match')));

    // The hanging endpoint is still being tried, with its timeouts on the record.
    const stuckDeliveries = await api('GET', `/v1/webhook-endpoints/${stuck.body.id}/deliveries`);
    assert.equal(stuckDeliveries.body.items.length, 1);
    assert.equal(stuckDeliveries.body.items[0].status, 'pending');
  });

  it('redelivers a delivered event with the same ID, and refuses one still being tried', async () => {
    const [endpoint] = (await api('GET', '/v1/webhook-endpoints')).body.items as { id: string; url: string }[];
    assert.ok(endpoint);
    const deliveries = (await api('GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries`)).body.items as {
      id: string;
      eventId: string;
    }[];
    const target = deliveries[0]!;
    const before = receiver.received.filter((event) => event.webhookId === target.eventId).length;
    receiver.failFirstOfEach = false;
    const redelivered = await api('POST', `/v1/webhook-endpoints/${endpoint.id}/deliveries/${target.id}/redeliver`);
    assert.equal(redelivered.status, 202, JSON.stringify(redelivered.body));
    assert.equal(redelivered.body.redelivery, 1);
    await eventually('the redelivery', () =>
      receiver.received.filter((event) => event.webhookId === target.eventId).length > before ? true : undefined,
    );

    const stuck = (await api('GET', '/v1/webhook-endpoints')).body.items[1] as { id: string };
    const [stuckDelivery] = (await api('GET', `/v1/webhook-endpoints/${stuck.id}/deliveries`)).body.items as {
      id: string;
    }[];
    const busy = await api('POST', `/v1/webhook-endpoints/${stuck.id}/deliveries/${stuckDelivery!.id}/redeliver`);
    assert.equal(busy.status, 409);
    assert.equal(busy.body.error, 'delivery_in_progress');
  });

  it('deletes an endpoint: gone from the API, its pending delivery given up at once', async () => {
    const stuck = (await api('GET', '/v1/webhook-endpoints')).body.items[1] as { id: string };
    assert.equal((await api('DELETE', `/v1/webhook-endpoints/${stuck.id}`)).status, 204);
    assert.equal((await api('GET', `/v1/webhook-endpoints/${stuck.id}`)).status, 404);
    assert.equal((await api('DELETE', `/v1/webhook-endpoints/${stuck.id}`)).status, 404);
    const { body } = await api('GET', `/v1/webhook-endpoints/${stuck.id}/deliveries`);
    assert.equal(body.items[0]?.status, 'failed');
    assert.equal(body.items[0]?.lastError, 'the endpoint was deleted');
    const badCursor = await api('GET', `/v1/webhook-endpoints/${stuck.id}/deliveries?before=whd_${'0'.repeat(32)}`);
    assert.equal(badCursor.status, 400);
    assert.equal(badCursor.body.error, 'invalid_cursor');
  });

  it('answers a retried registration with the same endpoint and secret, and refuses the key for another one', async () => {
    const headers = { 'idempotency-key': 'register-backend-1' };
    const first = await api('POST', '/v1/webhook-endpoints', { body: { url: receiver.url }, headers });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const again = await api('POST', '/v1/webhook-endpoints', { body: { url: receiver.url }, headers });
    assert.equal(again.status, 200);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.equal(again.body.id, first.body.id);
    assert.equal(again.body.secret, first.body.secret);
    const other = await api('POST', '/v1/webhook-endpoints', {
      body: { url: receiver.url, eventTypes: ['check.completed'] },
      headers,
    });
    assert.equal(other.status, 422);
    assert.equal((await api('GET', '/v1/webhook-endpoints')).body.items.length, 2, 'one endpoint made, not two');
  });
});
