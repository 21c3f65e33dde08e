/**
 * Turning the payload codec on with onboardings in flight (docs/payload-encryption.md): a run
 * started and sent to review by a fleet without the codec, as every release before 0.7.0 ran,
 * is decided through the API once the fleet has it, and finishes. What was written before stays
 * readable; what is written after is encrypted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from '@temporalio/client';
import { isEncrypted } from '../security/payload-codec';
import { systemProbes } from '../system/in-process-probes';
import { buildWorkers } from './helpers/build-workers';
import { call } from './helpers/http';
import { REVIEWER_TOKEN, startTestSystem, TEST_DATA_CONVERTER, workflowBuild, type TestSystem } from './helpers/system';

describe('turning the payload codec on with onboardings in flight', () => {
  let system: TestSystem;
  const workers = buildWorkers(() => system);

  before(async () => {
    system = await startTestSystem({ worker: false });
  });
  after(async () => {
    await workers.stopAll();
    await system?.close();
  });

  /** A worker of the current build, with the codec or, as before 0.7.0, without. */
  const startWorker = async (withCodec: boolean) =>
    workers.start(await workflowBuild(), withCodec ? TEST_DATA_CONVERTER : undefined);

  it('decides and finishes, on the codec, a run that waited for review without it', async () => {
    // The fleet before: its client and worker send payloads in clear.
    const plain = new Client({ connection: system.client.connection, namespace: system.namespace });
    const before = systemProbes({
      client: plain,
      taskQueue: system.taskQueue,
      emulatorUrl: system.emulatorUrl,
      store: system.store,
    });
    // ComplyCube's webhook goes to the API, which has the codec: before, the run polls instead.
    const unhooked = await system.complyCube('DELETE', `/webhooks/${system.webhookId}`);
    assert.ok(unhooked.ok, `webhook removed: ${unhooked.status}`);
    const stopPlain = await startWorker(false);
    const applicant = await system.seed({ lastName: 'attention' });
    const handle = await before.start(applicant);
    await before.waitForStatus(handle, 'awaiting_review', 60_000);
    await stopPlain();

    // The fleet after: the codec on the worker and the API.
    await startWorker(true);
    // The run's sticky queue names the stopped worker: until Temporal gives up on it (seconds), the
    // API answers 503 with Retry-After, and a backend retries with the same Idempotency-Key.
    const review = () =>
      call(system.apiUrl, 'POST', `/v1/onboardings/${applicant.clientId}/review`, {
        token: REVIEWER_TOKEN,
        headers: { 'idempotency-key': `upgrade-${applicant.clientId}` },
        body: { decision: 'reject', reason: 'document expired before the application' },
      });
    let decided = await review();
    for (let attempt = 0; decided.status === 503 && attempt < 20; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      decided = await review();
    }
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    assert.equal(decided.body.status, 'rejected');
    await system.client.workflow.getHandle(handle.workflowId).result();
    const shown = await call(system.apiUrl, 'GET', `/v1/onboardings/${applicant.clientId}`, { token: REVIEWER_TOKEN });
    assert.equal(shown.body.decision.reason, 'document expired before the application');

    const history = await plain.workflow.getHandle(handle.workflowId).fetchHistory();
    const input = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    const completed = history.events!.find((event) => event.workflowExecutionCompletedEventAttributes);
    const output = completed!.workflowExecutionCompletedEventAttributes!.result!.payloads![0]!;
    assert.equal(isEncrypted(input), false, 'written before the codec: in clear, and still read');
    assert.equal(isEncrypted(output), true, 'written after: encrypted');
  });
});
