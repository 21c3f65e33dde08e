/**
 * Shipping 0.8.0 (events and resubmission) with onboardings in flight, on a real dev server: runs
 * started on 0.7.0's frozen workflow code (`test/upgrade/release-0.7.0/`) wait for a review; its
 * worker stops and the current build takes over. One is decided and tells the backend so; the
 * other is asked for a resubmission, answered, checked again and decided: the new paths work on
 * runs that started before them, and no worker hits a nondeterminism error.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DefaultLogger } from '@temporalio/worker';
import { BUNDLED_BEFORE_0_10_0, bundleWorkflows, type WorkflowBuild } from '../worker/workflow-build';
import type { OnboardingDecision } from '../workflows/onboarding-contract';
import { buildWorkers } from './helpers/build-workers';
import { call, callUntilServed } from './helpers/http';
import {
  installTestRuntime,
  REVIEWER_TOKEN,
  SERVICE_TOKEN,
  startTestSystem,
  TEST_DATA_CONVERTER,
  workflowBuild,
  type TestSystem,
} from './helpers/system';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/webhook-receiver';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('upgrading 0.7.0 to events and resubmission with onboardings in flight', () => {
  const workerLog: string[] = [];
  let system: TestSystem;
  let receiver: WebhookReceiver;
  let released: WorkflowBuild;
  let current: WorkflowBuild;
  const workers = buildWorkers(() => system);
  const api = (method: string, path: string, options: Parameters<typeof call>[3] = {}) =>
    call(system.apiUrl, method, path, { token: SERVICE_TOKEN, ...options });

  before(async () => {
    installTestRuntime(
      new DefaultLogger('WARN', (entry) => workerLog.push(`${entry.message} ${JSON.stringify(entry.meta)}`)),
    );
    system = await startTestSystem({ worker: false });
    receiver = await startWebhookReceiver();
    released = await bundleWorkflows(require.resolve('./upgrade/release-0.7.0/workflows'), BUNDLED_BEFORE_0_10_0);
    current = await workflowBuild();
  });

  after(async () => {
    await workers.stopAll();
    await receiver?.close();
    await system?.close();
  });

  /** A review through the API, retried on 503 with one Idempotency-Key while the old worker's sticky queue times out. */
  /** A decision through the API, retried on 503 while the old worker's sticky queue times out. */
  const review = (id: string, body: Record<string, unknown>) =>
    callUntilServed(system.apiUrl, 'POST', `/v1/onboardings/${id}/review`, {
      token: REVIEWER_TOKEN,
      body,
      headers: { 'idempotency-key': `up-${id}-${String(body.decision)}` },
    });

  it('finishes 0.7.0 runs on the new build: a decision with its event, and a resubmission round', async () => {
    assert.notEqual(released.buildId, current.buildId);
    const endpoint = await api('POST', '/v1/webhook-endpoints', { body: { url: receiver.url } });
    assert.equal(endpoint.status, 201);
    receiver.secret = endpoint.body.secret as string;

    const stopReleased = await workers.start(released, TEST_DATA_CONVERTER);
    const decidedApplicant = await system.seed({ lastName: 'attention' });
    const resubmitting = await system.seed();
    await system.control(`/clients/${resubmitting.clientId}/behaviour`, {
      enhanced_identity_check: { outcome: 'attention' },
    });
    const decided = await system.start(decidedApplicant);
    const resubmitted = await system.start(resubmitting);
    await system.waitForStatus(decided, 'awaiting_review', 30_000);
    await system.waitForStatus(resubmitted, 'awaiting_review', 30_000);
    await stopReleased();
    assert.equal(receiver.received.length, 0, '0.7.0 emitted no events');

    await workers.start(current, TEST_DATA_CONVERTER);
    const rejected = await review(decidedApplicant.clientId, {
      decision: 'reject',
      reason: 'watchlist match confirmed',
    });
    assert.equal(rejected.status, 200, JSON.stringify(rejected.body));
    assert.equal(((await decided.result()) as OnboardingDecision).decision, 'rejected');

    const asked = await review(resubmitting.clientId, {
      decision: 'request_resubmission',
      reason: 'passport photo cut off',
      resubmission: { items: ['document'], reasonCodes: ['document_incomplete'] },
    });
    assert.equal(asked.status, 200, JSON.stringify(asked.body));
    assert.equal(asked.body.status, 'awaiting_resubmission');
    const documentId = await system.newDocument(resubmitting.clientId);
    const answered = await api('POST', `/v1/onboardings/${resubmitting.clientId}/resubmissions`, {
      body: { documentId },
    });
    assert.equal(answered.status, 200, JSON.stringify(answered.body));
    await system.waitForStatus(resubmitted, 'awaiting_review', 30_000);
    assert.deepEqual(await system.checkCount(resubmitting.clientId), {
      identity_fraud_check: 1,
      enhanced_identity_check: 2,
    });
    const approved = await review(resubmitting.clientId, { decision: 'approve', reason: 'new video is clear' });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    assert.equal(((await resubmitted.result()) as OnboardingDecision).decision, 'approved');

    // The backend hears what happened after the upgrade, numbered from there.
    const until = Date.now() + 30_000;
    while (receiver.received.filter((event) => event.type === 'onboarding.decided').length < 2 && Date.now() < until) {
      await sleep(200);
    }
    const ofRun = (id: string) => receiver.received.filter((event) => event.data.onboardingId === id);
    assert.deepEqual(
      ofRun(decidedApplicant.clientId).map((event) => [event.type, event.data.sequence]),
      [['onboarding.decided', 1]],
    );
    assert.deepEqual(
      ofRun(resubmitting.clientId).map((event) => event.type),
      ['onboarding.resubmission_requested', 'check.completed', 'onboarding.review_required', 'onboarding.decided'],
    );
    assert.ok(receiver.received.every((event) => event.verified));

    const nondeterminism = workerLog.filter((line) => /nondetermin|TMPRL1100/i.test(line));
    assert.deepEqual(nondeterminism, []);
  });
});
