import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resultOf, SERVICE_TOKEN, startTestSystem, TEST_DATABASE_URL, type TestSystem } from './helpers/system';
import { startWorkerProcess, type WorkerProcess } from './helpers/processes';

/**
 * Workers in their own processes, killed with SIGKILL mid-run. The decision store is the
 * local PostgreSQL, shared by the processes as in production.
 */
describe('a worker killed mid-run', () => {
  let system: TestSystem;
  const workers: WorkerProcess[] = [];

  before(async () => {
    system = await startTestSystem({ databaseUrl: TEST_DATABASE_URL, worker: false });
  });

  after(async () => {
    for (const worker of workers) if (worker.child.exitCode === null) await worker.kill();
    await system?.close();
  });

  const worker = async () => {
    const started = await startWorkerProcess(system, { DATABASE_URL: TEST_DATABASE_URL });
    workers.push(started);
    return started;
  };

  const waitFor = async (predicate: () => Promise<boolean>, what: string, timeoutMs = 20_000) => {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (await predicate()) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.fail(`timed out waiting for ${what}`);
  };

  it('while creating the checks: the restarted worker adopts them instead of creating more', async () => {
    const first = await worker();
    const applicant = await system.seed();
    // ComplyCube creates both checks at once but answers slowly; the worker dies before the answers.
    await system.control('/faults', { kind: 'delay', delayMs: 4000, method: 'POST', path: '/checks', count: 2 });
    const handle = await system.start(applicant, { callTimeout: '3s' });
    await waitFor(async () => {
      const counts = await system.checkCount(applicant.clientId);
      return counts.identity_fraud_check === 1 && counts.enhanced_identity_check === 1;
    }, 'both checks to be created');
    await first.kill();

    await worker();
    const decision = await resultOf(handle);
    assert.equal(decision.decision, 'approved');
    assert.deepEqual(await system.checkCount(applicant.clientId), {
      identity_fraud_check: 1,
      enhanced_identity_check: 1,
    });
    const rows = await system.store.decisionsFor(applicant.clientId);
    assert.equal(rows.length, 1, 'one decision row in PostgreSQL');
    assert.deepEqual(rows[0]!.checks.map((c) => c.checkId).sort(), decision.checks.map((c) => c.checkId).sort());
  });

  it('while waiting for the results: the restarted worker resumes the wait and decides once', async () => {
    const second = workers.at(-1)!;
    const applicant = await system.seed({ lastName: 'attention' });
    await system.control(`/clients/${applicant.clientId}/behaviour`, {
      identity_fraud_check: { latencyMs: 3000 },
      enhanced_identity_check: { latencyMs: 3000 },
    });
    const handle = await system.start(applicant, { signalDecisions: 'accepted' });
    await waitFor(
      async () => (await system.state(handle)).checks.enhanced_identity_check.status === 'pending',
      'checks pending',
    );
    await second.kill();
    await worker();
    await system.waitForStatus(handle, 'awaiting_review', 30_000);
    await handle.signal('reviewDecision', { decision: 'reject', reviewer: 'reviewer-alice', reason: 'police match' });
    assert.equal((await resultOf(handle)).decision, 'rejected');
    assert.deepEqual(await system.checkCount(applicant.clientId), {
      identity_fraud_check: 1,
      enhanced_identity_check: 1,
    });
    assert.equal((await system.store.decisionsFor(applicant.clientId)).length, 1);
  });

  it('with every worker down, a finished onboarding is still answered, from the decision store', async () => {
    const applicant = await system.seed();
    const handle = await system.start(applicant);
    assert.equal((await resultOf(handle)).decision, 'approved');
    for (const worker of workers) if (worker.child.exitCode === null) await worker.stop();

    const response = await fetch(`${system.apiUrl}/v1/onboardings/${applicant.clientId}`, {
      headers: { Authorization: `Bearer ${SERVICE_TOKEN}` },
    });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { status: string; runId: string };
    assert.deepEqual([body.status, body.runId], ['approved', (await handle.describe()).runId]);
  });
});
