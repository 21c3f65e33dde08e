/**
 * Shipping 0.10.0 (the lean workflow: OpenTelemetry's interceptors only in traced runs, the events
 * on the way to a decision written by local activities) with onboardings in flight, on a real dev
 * server: runs started on 0.9.0's frozen code (`test/upgrade/release-0.9.0/`, bundled as 0.9.0
 * was) stop mid-way, one with its checks still running and one waiting for a reviewer; the current
 * build finishes both. Every event of each run is in the outbox once, in order, and no worker hits
 * a nondeterminism error.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DefaultLogger } from '@temporalio/worker';
import pg from 'pg';
import { BUNDLED_BEFORE_0_10_0, bundleWorkflows, type WorkflowBuild } from '../worker/workflow-build';
import type { OnboardingDecision } from '../workflows/onboarding-contract';
import { buildWorkers } from './helpers/build-workers';
import { freshDatabase, outboxEventsOf, type OwnDatabase } from './helpers/database';
import { callUntilServed } from './helpers/http';
import {
  installTestRuntime,
  REVIEWER_TOKEN,
  startTestSystem,
  TEST_DATA_CONVERTER,
  TEST_DATABASE_URL,
  workflowBuild,
  type TestSystem,
} from './helpers/system';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('upgrading 0.9.0 to the lean workflow with onboardings in flight', () => {
  const workerLog: string[] = [];
  let system: TestSystem;
  let released: WorkflowBuild;
  let current: WorkflowBuild;
  const workers = buildWorkers(() => system);
  let database: OwnDatabase;
  let db: pg.Pool;

  before(async () => {
    installTestRuntime(
      new DefaultLogger('WARN', (entry) => workerLog.push(`${entry.message} ${JSON.stringify(entry.meta)}`)),
    );
    // A database of the test's own, to read the outbox from.
    database = await freshDatabase(TEST_DATABASE_URL, 'lean_upgrade');
    db = new pg.Pool({ connectionString: database.url, max: 1 });
    system = await startTestSystem({ worker: false, databaseUrl: database.url });
    released = await bundleWorkflows(require.resolve('./upgrade/release-0.9.0/workflows'), BUNDLED_BEFORE_0_10_0);
    current = await workflowBuild();
  });

  after(async () => {
    await workers.stopAll();
    await system?.close();
    await db?.end();
    await database?.drop();
  });

  const eventsOf = (workflowId: string) => outboxEventsOf(db, workflowId);

  it('finishes 0.9.0 runs on the new build, with every event once and in order', async () => {
    assert.notEqual(released.buildId, current.buildId);
    const stopReleased = await workers.start(released, TEST_DATA_CONVERTER);
    const slow = await system.seed();
    await system.control(`/clients/${slow.clientId}/behaviour`, {
      identity_fraud_check: { latencyMs: 4_000 },
      enhanced_identity_check: { latencyMs: 4_000 },
    });
    const waiting = await system.seed({ lastName: 'attention' });
    const running = await system.start(slow);
    const reviewed = await system.start(waiting);
    await system.waitForStatus(reviewed, 'awaiting_review', 30_000);
    for (let i = 0; i < 100 && !(await system.state(running)).checks.enhanced_identity_check.checkId; i += 1) {
      await sleep(100);
    }
    assert.equal((await system.state(running)).status, 'checks_running');
    await stopReleased();

    await workers.start(current, TEST_DATA_CONVERTER);
    const approved = (await running.result()) as OnboardingDecision;
    assert.deepEqual([approved.decision, approved.reason], ['approved', 'all_checks_clear']);

    // The old worker's sticky queue times out before the new one takes the run.
    const answer = await callUntilServed(system.apiUrl, 'POST', `/v1/onboardings/${waiting.clientId}/review`, {
      token: REVIEWER_TOKEN,
      body: { decision: 'reject', reason: 'the document is a copy' },
      headers: { 'idempotency-key': 'lean-upgrade-review' },
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(((await reviewed.result()) as OnboardingDecision).decision, 'rejected');

    const completed = ['2 check.completed', '3 check.completed'];
    assert.deepEqual(await eventsOf(running.workflowId), [
      '1 onboarding.started',
      ...completed,
      '4 onboarding.decided',
    ]);
    assert.deepEqual(await eventsOf(reviewed.workflowId), [
      '1 onboarding.started',
      ...completed,
      '4 onboarding.review_required',
      '5 onboarding.decided',
    ]);
    assert.deepEqual(
      workerLog.filter((line) => /nondetermin|TMPRL1100/i.test(line)),
      [],
    );
  });
});
