/**
 * Shipping 0.9.0 (the desk's tools) with onboardings in flight, on a real dev server: runs started
 * on 0.8.0's frozen workflow code (`test/upgrade/release-0.8.0/`) wait for a review; its worker
 * stops and the current build takes over. A senior assigns one, whose assignee rejects it with
 * reason codes; the other is approved with codes: the new messages work on runs that started
 * before them, and no worker hits a nondeterminism error.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DefaultLogger } from '@temporalio/worker';
import { BUNDLED_BEFORE_0_10_0, bundleWorkflows, type WorkflowBuild } from '../worker/workflow-build';
import type { OnboardingDecision } from '../workflows/onboarding-contract';
import { buildWorkers } from './helpers/build-workers';
import { callUntilServed } from './helpers/http';
import {
  installTestRuntime,
  OTHER_REVIEWER_TOKEN,
  REVIEWER_TOKEN,
  SENIOR_REVIEWER_TOKEN,
  startTestSystem,
  TEST_DATA_CONVERTER,
  workflowBuild,
  type TestSystem,
} from './helpers/system';

describe('upgrading 0.8.0 to the desk tools with onboardings in flight', () => {
  const workerLog: string[] = [];
  let system: TestSystem;
  let released: WorkflowBuild;
  let current: WorkflowBuild;
  const workers = buildWorkers(() => system);

  before(async () => {
    installTestRuntime(
      new DefaultLogger('WARN', (entry) => workerLog.push(`${entry.message} ${JSON.stringify(entry.meta)}`)),
    );
    system = await startTestSystem({ worker: false });
    released = await bundleWorkflows(require.resolve('./upgrade/release-0.8.0/workflows'), BUNDLED_BEFORE_0_10_0);
    current = await workflowBuild();
  });

  after(async () => {
    await workers.stopAll();
    await system?.close();
  });

  /** A request through the API, retried on 503 while the old worker's sticky queue times out. */
  const sendOnce = (token: string, path: string, body: Record<string, unknown>) =>
    callUntilServed(system.apiUrl, 'POST', path, { token, body, headers: { 'idempotency-key': `up-${path}` } });
  /**
   * As a client does: a review accepted while its decision is still being recorded (202, past the
   * API's wait, as on a loaded CI machine) is asked again, and the retry waits for that decision.
   */
  const send = async (token: string, path: string, body: Record<string, unknown>) => {
    let answer = await sendOnce(token, path, body);
    for (let i = 0; i < 10 && answer.status === 202; i += 1) answer = await sendOnce(token, path, body);
    return answer;
  };

  it('finishes 0.8.0 runs on the new build: an assignment, and decisions with reason codes', async () => {
    assert.notEqual(released.buildId, current.buildId);
    const stopReleased = await workers.start(released, TEST_DATA_CONVERTER);
    const assignedApplicant = await system.seed({ lastName: 'attention' });
    const approvedApplicant = await system.seed({ lastName: 'attention' });
    const assigned = await system.start(assignedApplicant);
    const approved = await system.start(approvedApplicant);
    await system.waitForStatus(assigned, 'awaiting_review', 30_000);
    await system.waitForStatus(approved, 'awaiting_review', 30_000);
    await stopReleased();

    await workers.start(current, TEST_DATA_CONVERTER);
    const id = assignedApplicant.clientId;
    const assignment = await send(SENIOR_REVIEWER_TOKEN, `/v1/onboardings/${id}/assignment`, {
      assignee: 'reviewer-bob',
    });
    assert.equal(assignment.status, 200, JSON.stringify(assignment.body));
    assert.equal(assignment.body.claim.assignedBy, 'senior-carol');
    const rejected = await send(OTHER_REVIEWER_TOKEN, `/v1/onboardings/${id}/review`, {
      decision: 'reject',
      reason: 'the face does not match the passport',
      reasonCodes: ['face_mismatch'],
    });
    assert.equal(rejected.status, 200, JSON.stringify(rejected.body));
    const rejection = (await assigned.result()) as OnboardingDecision;
    assert.equal(rejection.decision, 'rejected');
    assert.equal(rejection.decidedBy, 'reviewer-bob');
    assert.deepEqual(rejection.reasonCodes, ['face_mismatch']);

    const approval = await send(REVIEWER_TOKEN, `/v1/onboardings/${approvedApplicant.clientId}/review`, {
      decision: 'approve',
      reason: 'a namesake: the date of birth differs',
      reasonCodes: ['false_positive_confirmed'],
    });
    assert.equal(approval.status, 200, JSON.stringify(approval.body));
    assert.deepEqual(((await approved.result()) as OnboardingDecision).reasonCodes, ['false_positive_confirmed']);

    const nondeterminism = workerLog.filter((line) => /nondetermin|TMPRL1100/i.test(line));
    assert.deepEqual(nondeterminism, []);
  });
});
