/**
 * The upgrade from release 0.2.0 to the review desk (0.3.0) with onboardings in flight, on a real
 * dev server: runs started on 0.2.0's frozen workflow code (`test/upgrade/release-0.2.0/`) wait for
 * a review or for their checks; its worker stops and the current build takes over. Claims and
 * decisions work on the old runs under the policy they started with (one approval decides),
 * `sync-review-queue` puts a waiting run on the review queue, a run whose checks finish after the
 * upgrade enters review the new way, and no worker hits a nondeterminism error.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DefaultLogger } from '@temporalio/worker';
import { BUNDLED_BEFORE_0_10_0, bundleWorkflows, type WorkflowBuild } from '../worker/workflow-build';
import { onboardingWorkflowId } from '../workflows/onboarding-contract';
import { freshDatabase, type OwnDatabase } from './helpers/database';
import { buildWorkers } from './helpers/build-workers';
import { call } from './helpers/http';
import { runCli } from './helpers/processes';
import {
  installTestRuntime,
  REVIEWER_TOKEN,
  SERVICE_TOKEN,
  startTestSystem,
  TEST_DATABASE_URL,
  workflowBuild,
  type TestSystem,
  TEST_DATA_CONVERTER,
} from './helpers/system';

describe('upgrading 0.2.0 to the review desk with onboardings in flight', () => {
  const workerLog: string[] = [];
  let database: OwnDatabase;
  let system: TestSystem;
  let released: WorkflowBuild;
  let current: WorkflowBuild;
  const workers = buildWorkers(() => system);

  before(async () => {
    installTestRuntime(
      new DefaultLogger('WARN', (entry) => workerLog.push(`${entry.message} ${JSON.stringify(entry.meta)}`)),
    );
    database = await freshDatabase(TEST_DATABASE_URL, 'upgrade');
    system = await startTestSystem({ worker: false, databaseUrl: database.url });
    released = await bundleWorkflows(require.resolve('./upgrade/release-0.2.0'), BUNDLED_BEFORE_0_10_0);
    current = await workflowBuild();
  });

  after(async () => {
    await workers.stopAll();
    await system?.close();
    await database?.drop();
  });

  const startWorker = (build: WorkflowBuild) => workers.start(build, TEST_DATA_CONVERTER);

  it('finishes 0.2.0 runs on the new build: claims, one-approval decisions, the queue synced', async () => {
    const stopReleased = await startWorker(released);
    // 0.2.0's runs carry 0.2.0's policy: no four-eyes, signal or claim settings.
    const policy = { checkTimeout: '1m', reviewSla: '1h', reviewExpiry: '2h', pollInterval: '10s' } as const;
    const reviewed = await system.seed({ lastName: 'attention' });
    const synced = await system.seed({ lastName: 'attention' });
    const checking = await system.seed({ lastName: 'attention' });
    await system.control(`/clients/${checking.clientId}/behaviour`, {
      identity_fraud_check: { neverComplete: true },
      enhanced_identity_check: { neverComplete: true },
    });
    const handles = {
      reviewed: await system.start(reviewed, policy),
      synced: await system.start(synced, policy),
      checking: await system.start(checking, policy),
    };
    await system.waitForStatus(handles.reviewed, 'awaiting_review');
    await system.waitForStatus(handles.synced, 'awaiting_review');
    assert.equal((await system.state(handles.checking)).status, 'checks_running');
    // 0.2.0 kept no review queue.
    assert.equal(await system.store.reviewCaseFor(reviewed.clientId), undefined);

    await stopReleased();
    await startWorker(current);

    // A claim and a decision on a run of 0.2.0: its policy had no four-eyes, so one approval decides.
    const api = (method: string, path: string) => call(system.apiUrl, method, path, { token: REVIEWER_TOKEN });
    const claimed = await api('POST', `/v1/onboardings/${reviewed.clientId}/claim`);
    assert.equal(claimed.status, 200, JSON.stringify(claimed.body));
    assert.equal(claimed.body.claim.reviewer, 'reviewer-alice');
    const decided = await call(system.apiUrl, 'POST', `/v1/onboardings/${reviewed.clientId}/review`, {
      token: REVIEWER_TOKEN,
      body: { decision: 'approve', reason: 'namesake, verified' },
    });
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    assert.equal(decided.body.status, 'approved');
    const trail = await call(system.apiUrl, 'GET', `/v1/onboardings/${reviewed.clientId}/audit`, {
      token: SERVICE_TOKEN,
    });
    assert.deepEqual(
      trail.body.items.map((a: { kind: string }) => a.kind),
      ['claim', 'decision'],
    );

    // The operator puts the other waiting run on the review queue.
    const { stdout } = await runCli(system, ['sync-review-queue']);
    assert.match(stdout, /\d+ case\(s\) written to the review queue/);
    const queued = await system.store.reviewCaseFor(synced.clientId);
    assert.equal(queued?.status, 'awaiting_review');
    assert.equal(queued?.secondApprovalRequired, false);
    const queue = await api('GET', '/v1/onboardings?queue=review');
    assert.deepEqual(
      queue.body.items.map((item: { onboardingId: string }) => item.onboardingId),
      [synced.clientId],
    );

    // The run whose checks were pending finishes them on the new build and enters review its way.
    for (const check of Object.values((await system.state(handles.checking)).checks)) {
      await system.control(`/checks/${check.checkId}/complete`, { outcome: 'attention' });
    }
    await system.waitForStatus(handles.checking, 'awaiting_review');
    await system.waitForReviewCase(checking.clientId, 'awaiting_review');

    const history = (await system.client.workflow.getHandle(onboardingWorkflowId(reviewed.clientId)).fetchHistory())
      .events!;
    const builds = history
      .filter((e) => e.workflowTaskCompletedEventAttributes)
      .map((e) => e.workflowTaskCompletedEventAttributes!.deploymentVersion?.buildId);
    assert.ok(builds.includes(released.buildId) && builds.at(-1) === current.buildId, builds.join(','));
    assert.deepEqual(
      workerLog.filter((line) => /nondetermin|TMPRL1100/i.test(line)),
      [],
    );
  });
});
