import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { WorkflowHandle } from '@temporalio/client';
import { DefaultLogger } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { createOnboardingActivities } from '../activities/onboarding-activities';
import { ComplyCubeClient } from '../complycube/client';
import { findTemporalCli } from '../dev/temporal-cli';
import { createOnboardingWorker, type OnboardingWorker } from '../worker/create-worker';
import { promoteWhenPolling } from '../worker/deployment';
import { bundleWorkflows, type WorkflowBuild } from '../worker/workflow-build';
import { complyCubeTaskQueue, webhooksTaskQueue, type OnboardingDecision } from '../workflows/onboarding-contract';
import { testWebhookActivities } from './helpers/build-workers';
import {
  EMULATOR_KEY,
  installTestRuntime,
  REVIEWER_TOKEN,
  TEST_DEPLOYMENT,
  startTestSystem,
  workflowBuild,
  type TestSystem,
  TEST_DATA_CONVERTER,
} from './helpers/system';
import { ADDED_STEP_PATCH, type ScreeningActivities } from './upgrade/workflows-with-added-step';
import { TEST_KEYRING } from './helpers/review-assertions';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/**
 * A deploy with onboardings in flight, on a real dev server: runs started by an unversioned worker
 * (as release 0.1.0's were) and by the current build wait for a review, for their checks, or past
 * their SLA; the current build's worker stops and a worker with changed workflow code (a step added
 * before the checks, guarded by patched()) takes over. Every run finishes correctly on the new
 * build, new runs take the new step, and no worker hits a nondeterminism error. Then the deploy is
 * rolled back as docs/versioning.md says, with a run of the new build waiting for review.
 */
describe('upgrading the workflow code with onboardings in flight', () => {
  const workerLog: string[] = [];
  let system: TestSystem;
  let current: WorkflowBuild;
  let next: WorkflowBuild;
  const screened: string[] = [];
  const workers: { worker: OnboardingWorker; run: Promise<void> }[] = [];

  before(async () => {
    installTestRuntime(
      new DefaultLogger('WARN', (entry) => workerLog.push(`${entry.message} ${JSON.stringify(entry.meta)}`)),
    );
    system = await startTestSystem({ worker: false });
    current = await workflowBuild();
    next = await bundleWorkflows(require.resolve('./upgrade/workflows-with-added-step'));
    assert.notEqual(next.buildId, current.buildId);
  });

  after(async () => {
    for (const { worker, run } of workers) {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await run.catch(() => undefined);
    }
    await system?.close();
  });

  /** A worker of `build` in this process: versioned in the test deployment, or unversioned like 0.1.0's. */
  const startWorker = async (build: WorkflowBuild, versioned: boolean) => {
    const screening: ScreeningActivities = {
      async screenApplicant(clientId) {
        screened.push(clientId);
      },
    };
    const worker = await createOnboardingWorker({
      connection: system.env.nativeConnection,
      namespace: 'default',
      taskQueue: system.taskQueue,
      build,
      dataConverter: TEST_DATA_CONVERTER,
      deploymentName: versioned ? TEST_DEPLOYMENT : false,
      activities: {
        ...createOnboardingActivities({
          complyCube: new ComplyCubeClient({ baseUrl: system.emulatorUrl, apiKey: EMULATOR_KEY, timeoutMs: 2_000 }),
          store: system.store,
          reviewKeys: TEST_KEYRING,
        }),
        ...screening,
      },
      webhookActivities: testWebhookActivities(system),
    });
    const entry = { worker, run: worker.run() };
    workers.push(entry);
    return {
      worker,
      async stop() {
        worker.shutdown();
        await entry.run;
      },
    };
  };

  const promote = (build: WorkflowBuild) =>
    promoteWhenPolling({
      client: system.client,
      version: { deploymentName: TEST_DEPLOYMENT, buildId: build.buildId },
      policy: 'always',
      taskQueues: [system.taskQueue],
      activityTaskQueues: [complyCubeTaskQueue(system.taskQueue), webhooksTaskQueue(system.taskQueue)],
    });

  const within = async <T>(promise: Promise<T>, what: string, ms = 30_000): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        promise,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  };

  const resultOf = (handle: WorkflowHandle) =>
    within(handle.result() as Promise<OnboardingDecision>, `result of ${handle.workflowId}`);

  const events = async (handle: WorkflowHandle): Promise<HistoryEvent[]> => (await handle.fetchHistory()).events ?? [];

  /** The build ID of each completed workflow task, in order; '' for an unversioned worker. */
  const taskBuilds = (history: HistoryEvent[]) =>
    history
      .filter((e) => e.workflowTaskCompletedEventAttributes)
      .map((e) => e.workflowTaskCompletedEventAttributes!.deploymentVersion?.buildId ?? '');

  /** Whether a run recorded the added step's patch marker, and scheduled its activity. */
  const tookAddedStep = (history: HistoryEvent[]) => ({
    marker: history.some((e) => {
      const marker = e.markerRecordedEventAttributes;
      if (marker?.markerName !== 'core_patch') return false;
      const payloads = Object.values(marker.details ?? {}).flatMap((details) => details.payloads ?? []);
      return payloads.some((payload) =>
        Buffer.from(payload.data ?? [])
          .toString('utf8')
          .includes(ADDED_STEP_PATCH),
      );
    }),
    activity: history.some((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'screenApplicant'),
  });

  const assertNoWorkflowTaskFailed = (history: HistoryEvent[], run: string) =>
    assert.deepEqual(
      history.filter((e) => e.workflowTaskFailedEventAttributes).map((e) => e.workflowTaskFailedEventAttributes?.cause),
      [],
      `${run}: no workflow task failed`,
    );

  const assertNoNondeterminism = () =>
    assert.deepEqual(
      workerLog.filter((line) => /nondetermin|TMPRL1100/i.test(line)),
      [],
    );

  const review = async (onboardingId: string, decision: 'approve' | 'reject') => {
    const response = await fetch(`${system.apiUrl}/v1/onboardings/${onboardingId}/review`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${REVIEWER_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ decision, reason: `${decision} after the upgrade` }),
    });
    assert.equal(response.status, 200, await response.text());
  };

  const temporalCli = async (...args: string[]) => {
    const cli = findTemporalCli();
    assert.ok(cli, 'the Temporal CLI');
    const { stdout } = await promisify(execFile)(cli, [
      ...args,
      '--address',
      system.env.address,
      '--namespace',
      'default',
    ]);
    return stdout;
  };

  const waitUntil = async (predicate: () => Promise<boolean>, what: string, ms = 20_000) => {
    const until = Date.now() + ms;
    while (!(await predicate())) {
      if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };

  it('finishes runs of the earlier builds on the new one, and starts new runs on the new path', async () => {
    // Release 0.1.0 polled unversioned: its runs are in flight when the first versioned build arrives.
    const unversioned = await startWorker(current, false);
    const startedUnversioned = await system.start(await system.seed({ lastName: 'attention' }));
    await system.waitForStatus(startedUnversioned, 'awaiting_review');
    await unversioned.stop();

    const currentWorker = await startWorker(current, true);
    assert.deepEqual(await promote(current), { kind: 'promoted' });

    const checksPendingApplicant = await system.seed();
    for (const type of ['identity_fraud_check', 'enhanced_identity_check']) {
      await system.control(`/clients/${checksPendingApplicant.clientId}/behaviour`, {
        [type]: { neverComplete: true },
      });
    }
    // Only a webhook can complete these checks in this test: the first poll is an hour away.
    const checksPending = await system.start(checksPendingApplicant, {
      checkTimeout: '2h',
      pollInterval: '1h',
      maxPollInterval: '1h',
    });
    const escalated = await system.start(await system.seed({ lastName: 'attention' }), { reviewSla: '1s' });
    await system.waitForStatus(escalated, 'escalated');
    const pendingState = await system.waitForStatus(checksPending, 'checks_running');
    await waitUntil(
      async () => Object.values((await system.state(checksPending)).checks).every((c) => c.status === 'pending'),
      'both checks pending',
    );

    // The deploy: the current build's worker stops, the next build's starts and becomes current.
    await currentWorker.stop();
    await startWorker(next, true);
    assert.deepEqual(await promote(next), { kind: 'promoted', previousBuildId: current.buildId });

    const fresh = await system.seed();
    const newRun = await system.start(fresh);
    assert.equal((await resultOf(newRun)).decision, 'approved');

    await review(startedUnversioned.workflowId.replace('onboarding-', ''), 'approve');
    assert.equal((await resultOf(startedUnversioned)).decision, 'approved');

    const checkIds = Object.values((await system.state(checksPending)).checks).map((c) => c.checkId!);
    assert.equal(checkIds.length, 2, JSON.stringify(pendingState));
    for (const checkId of checkIds) await system.control(`/checks/${checkId}/complete`, { outcome: 'clear' });
    const approved = await resultOf(checksPending);
    assert.deepEqual([approved.decision, approved.decidedByKind], ['approved', 'automatic']);

    await escalated.signal('reviewDecision', { decision: 'reject', reviewer: 'reviewer-bob', reason: 'after SLA' });
    assert.equal((await resultOf(escalated)).decision, 'rejected');

    // Old runs kept their path; their tasks after the deploy ran on the new build.
    const histories = {
      startedUnversioned: await events(startedUnversioned),
      checksPending: await events(checksPending),
      escalated: await events(escalated),
      newRun: await events(newRun),
    };
    for (const [run, history] of Object.entries(histories)) assertNoWorkflowTaskFailed(history, run);
    for (const run of ['startedUnversioned', 'checksPending', 'escalated'] as const) {
      assert.deepEqual(tookAddedStep(histories[run]), { marker: false, activity: false }, run);
      assert.equal(taskBuilds(histories[run]).at(-1), next.buildId, `${run} finished on the new build`);
    }
    assert.equal(taskBuilds(histories.startedUnversioned)[0], '', 'started unversioned');
    assert.equal(taskBuilds(histories.checksPending)[0], current.buildId, 'started on the current build');
    assert.equal(taskBuilds(histories.escalated)[0], current.buildId, 'started on the current build');

    // The new run took the added step, on the new build only.
    assert.deepEqual(tookAddedStep(histories.newRun), { marker: true, activity: true });
    assert.deepEqual(new Set(taskBuilds(histories.newRun)), new Set([next.buildId]));
    assert.deepEqual(screened, [fresh.clientId]);

    const versioning = (await newRun.describe()).raw.workflowExecutionInfo?.versioningInfo;
    assert.equal(versioning?.deploymentVersion?.buildId, next.buildId);
    assert.equal(versioning?.behavior, temporal.api.enums.v1.VersioningBehavior.VERSIONING_BEHAVIOR_AUTO_UPGRADE);
    assertNoNondeterminism();
  });

  it('rolls back to the earlier build while a run of the new one waits for review', async () => {
    const waiting = await system.start(await system.seed({ lastName: 'attention' }));
    await system.waitForStatus(waiting, 'awaiting_review');
    assert.equal(tookAddedStep(await events(waiting)).marker, true, 'the run took the new path');

    // docs/versioning.md, "Roll back": 1. the earlier build's workers run again.
    await startWorker(current, true);
    // 2. Runs that ran on the new build stay on it, pinned: the earlier code cannot replay them.
    const onNewBuild = `TemporalWorkerDeploymentVersion='${TEST_DEPLOYMENT}:${next.buildId}' AND ExecutionStatus='Running'`;
    await waitUntil(async () => {
      for await (const execution of system.client.workflow.list({ query: onNewBuild })) {
        if (execution.workflowId === waiting.workflowId) return true;
      }
      return false;
    }, 'visibility to list the run under the new build');
    await temporalCli(
      'workflow',
      'update-options',
      '--query',
      onNewBuild,
      '--versioning-override-behavior',
      'pinned',
      '--versioning-override-deployment-name',
      TEST_DEPLOYMENT,
      '--versioning-override-build-id',
      next.buildId,
      '--reason',
      'rollback',
      '--yes',
    );
    await waitUntil(
      async () => (await waiting.describe()).raw.workflowExecutionInfo?.versioningInfo?.versioningOverride != null,
      'the run to be pinned',
    );
    // What docs/versioning.md has an operator check before retiring a build's workers.
    const pinnedToNew = `TemporalWorkerDeploymentVersion='${TEST_DEPLOYMENT}:${next.buildId}' AND TemporalWorkflowVersioningBehavior='Pinned' AND ExecutionStatus='Running'`;
    await waitUntil(async () => {
      for await (const execution of system.client.workflow.list({ query: pinnedToNew })) {
        if (execution.workflowId === waiting.workflowId) return true;
      }
      return false;
    }, 'visibility to list the run as pinned to the new build');
    // A restarting worker of the new build leaves the operator's choice alone.
    assert.deepEqual(
      await promoteWhenPolling({
        client: system.client,
        version: { deploymentName: TEST_DEPLOYMENT, buildId: next.buildId },
        policy: 'if-none',
        taskQueues: [system.taskQueue],
        activityTaskQueues: [complyCubeTaskQueue(system.taskQueue), webhooksTaskQueue(system.taskQueue)],
      }),
      { kind: 'already-current' },
    );
    // 3. The earlier build becomes current again.
    await temporalCli(
      'worker',
      'deployment',
      'set-current-version',
      '--deployment-name',
      TEST_DEPLOYMENT,
      '--build-id',
      current.buildId,
      '--yes',
    );

    assert.deepEqual(
      await promoteWhenPolling({
        client: system.client,
        version: { deploymentName: TEST_DEPLOYMENT, buildId: next.buildId },
        policy: 'if-none',
        taskQueues: [system.taskQueue],
        activityTaskQueues: [complyCubeTaskQueue(system.taskQueue), webhooksTaskQueue(system.taskQueue)],
      }),
      { kind: 'not-promoted', currentBuildId: current.buildId, everHadCurrent: true },
      'an if-none worker of the new build, restarting, does not undo the rollback',
    );

    const afterRollback = await system.start(await system.seed());
    assert.equal((await resultOf(afterRollback)).decision, 'approved');
    const rolledBack = await events(afterRollback);
    assert.deepEqual(tookAddedStep(rolledBack), { marker: false, activity: false });
    assert.deepEqual(new Set(taskBuilds(rolledBack)), new Set([current.buildId]));

    await review(waiting.workflowId.replace('onboarding-', ''), 'approve');
    const decision = await resultOf(waiting);
    assert.equal(decision.decision, 'approved');
    const waited = await events(waiting);
    assertNoWorkflowTaskFailed(waited, 'waiting');
    assert.deepEqual(new Set(taskBuilds(waited)), new Set([next.buildId]), 'the pinned run stayed on the new build');
    assertNoNondeterminism();
  });
});
