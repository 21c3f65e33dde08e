import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { onboardingStatusSearchAttribute, type OnboardingState } from '../workflows/onboarding-contract';
import { sendAsserted } from './helpers/review-assertions';
import { resultOf, startTestSystem, type TestSystem } from './helpers/system';

/** Decisions by signal (a typed name) are refused by default since 0.5.0; these runs accept them. */
const SIGNALS = { signalDecisions: 'accepted' } as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Asserts an update was rejected by the workflow's validator with this reason. */
const rejectedWith = (reason: RegExp) => (error: unknown) => {
  assert.ok(error instanceof WorkflowUpdateFailedError, `expected WorkflowUpdateFailedError, got ${String(error)}`);
  assert.match(String(error.cause?.message), reason);
  return true;
};

describe('onboarding workflow on a real Temporal dev server', () => {
  let system: TestSystem;

  before(async () => {
    system = await startTestSystem();
  });

  after(async () => {
    await system?.close();
  });

  it('approves automatically when both checks are clear, with four ComplyCube calls and one decision row', async () => {
    const applicant = await system.seed();
    const handle = await system.start(applicant);
    const decision = await resultOf(handle);

    assert.equal(decision.decision, 'approved');
    assert.equal(decision.decidedByKind, 'automatic');
    assert.equal(decision.reason, 'all_checks_clear');
    assert.deepEqual(
      decision.checks.map((c) => [c.type, c.status, c.outcome]),
      [
        ['identity_fraud_check', 'complete', 'clear'],
        ['enhanced_identity_check', 'complete', 'clear'],
      ],
    );
    assert.deepEqual(await system.checkCount(applicant.clientId), {
      identity_fraud_check: 1,
      enhanced_identity_check: 1,
    });

    const rows = await system.store.decisionsFor(applicant.clientId);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.runId, (await handle.describe()).runId);
    assert.deepEqual(
      rows[0]!.checks.map((c) => c.checkId),
      decision.checks.map((c) => c.checkId),
    );
    const description = await handle.describe();
    assert.equal(description.typedSearchAttributes.get(onboardingStatusSearchAttribute), 'approved');
  });

  it('waits for review when the fraud check needs attention, then records the reviewer’s approval', async () => {
    const applicant = await system.seed();
    await system.control(`/clients/${applicant.clientId}/behaviour`, {
      identity_fraud_check: { attention: ['databaseAnalysis.police'] },
    });
    const handle = await system.start(applicant, SIGNALS);
    const state = await system.waitForStatus(handle, 'awaiting_review');
    assert.deepEqual(state.reviewReasons, ['identity_fraud_check.attention']);
    assert.deepEqual(state.checks.identity_fraud_check.attentionAnalyses, ['databaseAnalysis.police']);
    assert.equal(state.checks.enhanced_identity_check.outcome, 'clear');
    assert.equal(
      (await handle.describe()).typedSearchAttributes.get(onboardingStatusSearchAttribute),
      'awaiting_review',
    );

    await handle.signal('reviewDecision', {
      decision: 'approve',
      reviewer: 'reviewer-alice',
      reason: 'Name mismatch explained',
    });
    const decision = await resultOf(handle);
    assert.deepEqual(
      [decision.decision, decision.decidedByKind, decision.decidedBy, decision.reason],
      ['approved', 'reviewer', 'reviewer-alice', 'Name mismatch explained'],
    );
    assert.deepEqual(decision.reviewReasons, ['identity_fraud_check.attention']);
    assert.equal((await system.store.decisionsFor(applicant.clientId)).length, 1);
  });

  it('rejects through the submitReview update when the enhanced check needs attention', async () => {
    const applicant = await system.seed();
    await system.control(`/clients/${applicant.clientId}/behaviour`, {
      enhanced_identity_check: { attention: ['faceAnalysis.previouslyEnrolledFace', 'integrityAnalysis.vpnDetected'] },
    });
    const handle = await system.start(applicant);
    await system.waitForStatus(handle, 'awaiting_review');
    const state = await sendAsserted<OnboardingState>(handle, 'decide', {
      decision: 'reject',
      reviewer: 'reviewer-bob',
      reason: 'Face enrolled under another client',
    });
    assert.equal(state.status, 'rejected');
    assert.equal(state.decision?.decidedBy, 'reviewer-bob');
    assert.deepEqual(state.checks.enhanced_identity_check.attentionAnalyses, [
      'faceAnalysis.previouslyEnrolledFace',
      'integrityAnalysis.vpnDetected',
    ]);
    assert.equal((await resultOf(handle)).decision, 'rejected');
  });

  it('sends a failed check to review with that reason', async () => {
    const applicant = await system.seed({ lastName: 'failed' });
    const handle = await system.start(applicant);
    const state = await system.waitForStatus(handle, 'awaiting_review');
    assert.deepEqual(state.reviewReasons, ['identity_fraud_check.failed', 'enhanced_identity_check.failed']);
    await handle.cancel();
  });

  it('sends a check that never completes to review as timed_out, after polling', async () => {
    const applicant = await system.seed();
    await system.control(`/clients/${applicant.clientId}/behaviour`, {
      enhanced_identity_check: { neverComplete: true },
    });
    const handle = await system.start(applicant, { checkTimeout: '3s', pollInterval: '1s', maxPollInterval: '1s' });
    const state = await system.waitForStatus(handle, 'awaiting_review');
    assert.deepEqual(state.reviewReasons, ['enhanced_identity_check.timed_out']);
    assert.equal(state.checks.identity_fraud_check.outcome, 'clear');
    await handle.cancel();
  });

  it('rejects invalid, early and second review decisions without changing anything, visibly', async () => {
    const applicant = await system.seed();
    await system.control(`/clients/${applicant.clientId}/behaviour`, {
      identity_fraud_check: { attention: ['databaseAnalysis.fraud'], latencyMs: 1500 },
    });
    const handle = await system.start(applicant, SIGNALS);
    await system.waitForStatus(handle, 'checks_running');
    // Before review is due.
    await handle.signal('reviewDecision', { decision: 'approve', reviewer: 'reviewer-alice', reason: 'too early' });
    await assert.rejects(
      sendAsserted(handle, 'decide', { decision: 'approve', reviewer: 'r', reason: 'too early' }),
      rejectedWith(/^review_not_due$/),
    );
    await system.waitForStatus(handle, 'awaiting_review');
    // Invalid payloads.
    await handle.signal('reviewDecision', { decision: 'maybe', reviewer: 'reviewer-alice', reason: 'x' });
    await handle.signal('reviewDecision', { decision: 'approve', reviewer: '', reason: 'x', extra: 1 });
    await assert.rejects(
      handle.executeUpdate('submitReview', { args: [{ decision: 'approve' }] }),
      rejectedWith(/^invalid_payload: reviewer: .*; reason: /),
    );
    let state = await system.state(handle);
    assert.equal(state.status, 'awaiting_review');
    // The first valid decision wins; the second is refused.
    await handle.signal('reviewDecision', { decision: 'reject', reviewer: 'reviewer-alice', reason: 'fraud match' });
    await handle.signal('reviewDecision', { decision: 'approve', reviewer: 'reviewer-bob', reason: 'second opinion' });
    const decision = await resultOf(handle);
    assert.deepEqual([decision.decision, decision.decidedBy], ['rejected', 'reviewer-alice']);
    state = await system.state(handle);
    assert.deepEqual(
      state.reviews.map((r) => [r.via, r.accepted, r.rejection?.split(':')[0]]),
      [
        ['signal', false, 'review_not_due'],
        ['signal', false, 'invalid_payload'],
        ['signal', false, 'invalid_payload'],
        ['signal', true, undefined],
        ['signal', false, 'already_decided'],
      ],
    );
    assert.match(state.reviews[1]!.rejection!, /decision: /);
    // After the run has ended, an update cannot reach it at all.
    await assert.rejects(sendAsserted(handle, 'decide', { decision: 'approve', reviewer: 'r', reason: 'late' }));
    assert.equal((await system.store.decisionsFor(applicant.clientId)).length, 1);
  });

  it('keeps a stream of refused review messages from growing the state: a count and the last ten', async () => {
    const handle = await system.start(await system.seed({ lastName: 'attention' }), SIGNALS);
    await system.waitForStatus(handle, 'awaiting_review');
    for (let i = 1; i <= 25; i += 1) {
      await handle.signal('reviewDecision', { decision: 'maybe', reviewer: 'flood', reason: `bad ${i}` });
    }
    await handle.signal('reviewDecision', { decision: 'approve', reviewer: 'reviewer-alice', reason: 'verified' });
    assert.equal((await resultOf(handle)).decidedBy, 'reviewer-alice');
    const state = await system.state(handle);
    assert.equal(state.refusedReviews, 25);
    assert.equal(state.reviews.length, 11, 'the ten most recent refused ones and the accepted review');
    assert.deepEqual(
      state.reviews.map((r) => r.reason),
      [...Array.from({ length: 10 }, (_, i) => `bad ${i + 16}`), 'verified'],
    );
  });

  it('escalates past the review SLA and rejects with review_expired past the expiry', async () => {
    const applicant = await system.seed({ lastName: 'attention' });
    const handle = await system.start(applicant, { reviewSla: '1s', reviewExpiry: '3s' });
    await system.waitForStatus(handle, 'awaiting_review');
    const escalated = await system.waitForStatus(handle, 'escalated', 5_000);
    assert.ok(escalated.reviewExpiresAt);
    assert.equal((await handle.describe()).typedSearchAttributes.get(onboardingStatusSearchAttribute), 'escalated');
    const decision = await resultOf(handle);
    assert.deepEqual(
      [decision.decision, decision.decidedByKind, decision.reason],
      ['rejected', 'system', 'review_expired'],
    );
  });

  it('accepts a review while escalated', async () => {
    const applicant = await system.seed({ lastName: 'attention' });
    const handle = await system.start(applicant, { reviewSla: '1s', reviewExpiry: '1h', ...SIGNALS });
    await system.waitForStatus(handle, 'escalated', 10_000);
    await handle.signal('reviewDecision', { decision: 'approve', reviewer: 'reviewer-alice', reason: 'checked' });
    assert.equal((await resultOf(handle)).decision, 'approved');
  });

  it('records withdrawn when cancelled', async () => {
    const applicant = await system.seed({ lastName: 'attention' });
    const handle = await system.start(applicant);
    await system.waitForStatus(handle, 'awaiting_review');
    await handle.cancel();
    await assert.rejects(resultOf(handle), (error: unknown) => {
      assert.ok(error instanceof WorkflowFailedError);
      assert.ok(error.cause instanceof CancelledFailure);
      return true;
    });
    const rows = await system.store.decisionsFor(applicant.clientId);
    assert.deepEqual(
      rows.map((r) => [r.decision, r.reason]),
      [['withdrawn', 'withdrawn']],
    );
    assert.equal((await handle.describe()).typedSearchAttributes.get(onboardingStatusSearchAttribute), 'withdrawn');
  });

  it('ignores completion notices for unknown checks and repeats', async () => {
    const applicant = await system.seed();
    await system.control(`/clients/${applicant.clientId}/behaviour`, {
      identity_fraud_check: { attention: ['databaseAnalysis.police'] },
    });
    const handle = await system.start(applicant);
    const state = await system.waitForStatus(handle, 'awaiting_review');
    const fraudId = state.checks.identity_fraud_check.checkId!;
    await handle.signal('checkCompleted', { checkId: fraudId, status: 'complete', outcome: 'attention' });
    await handle.signal('checkCompleted', { checkId: 'f'.repeat(24), status: 'complete' });
    await handle.signal('checkCompleted', { checkId: 'not-an-id', status: 'complete' });
    await sleep(300);
    const after = await system.state(handle);
    assert.equal(after.ignoredNotices, state.ignoredNotices + 3);
    assert.equal(after.status, 'awaiting_review');
    await handle.cancel();
  });

  it('keeps the 0.1.0 defaults for a run started without a policy, as 0.1.0 started them', async () => {
    const applicant = await system.seed({ lastName: 'attention' });
    const handle = await system.client.workflow.start('onboardingWorkflow', {
      workflowId: `onboarding-${applicant.clientId}`,
      taskQueue: system.taskQueue,
      args: [applicant],
    });
    const state = await system.waitForStatus(handle, 'awaiting_review');
    assert.deepEqual(state.policy, {
      checkTimeout: '24h',
      reviewSla: '24h',
      reviewExpiry: '30d',
      pollInterval: '30s',
      maxPollInterval: '30m',
      callTimeout: '30s',
      secondApproval: 'never',
      signalDecisions: 'accepted',
      claimLease: '15m',
      secondApproverRoles: ['reviewer', 'senior_reviewer'],
      resubmissionDeadline: '14d',
      resubmissionRounds: 2,
    });
    assert.equal(Date.parse(state.reviewEscalatesAt!) - Date.parse(state.startedAt) > 23 * 3_600_000, true);
    await handle.cancel();
  });

  it('fails an onboarding started with invalid input, naming the field', async () => {
    const handle = await system.client.workflow.start('onboardingWorkflow', {
      workflowId: 'onboarding-invalid-input',
      taskQueue: system.taskQueue,
      args: [{ clientId: 'nope', addressId: 'a'.repeat(24), documentId: 'b'.repeat(24), liveVideoId: 'c'.repeat(24) }],
    });
    await assert.rejects(resultOf(handle), (error: unknown) => {
      assert.ok(error instanceof WorkflowFailedError);
      assert.match(String(error.cause?.message), /clientId: must be a ComplyCube ID/);
      return true;
    });
  });

  describe('when ComplyCube misbehaves', () => {
    it('completes by polling when every webhook is lost', async () => {
      const applicant = await system.seed();
      await system.control('/webhook-faults', { mode: 'drop', count: 2 });
      const handle = await system.start(applicant, { pollInterval: '1s', maxPollInterval: '2s' });
      const decision = await resultOf(handle);
      assert.equal(decision.decision, 'approved');
      assert.deepEqual(await system.checkCount(applicant.clientId), {
        identity_fraud_check: 1,
        enhanced_identity_check: 1,
      });
    });

    it('completes once when webhooks are duplicated', async () => {
      const applicant = await system.seed();
      await system.control('/webhook-faults', { mode: 'duplicate', count: 2 });
      const decision = await resultOf(await system.start(applicant));
      assert.equal(decision.decision, 'approved');
      assert.equal((await system.store.decisionsFor(applicant.clientId)).length, 1);
      assert.equal(await system.apiCalls(applicant.clientId), 4);
    });

    it('completes when webhooks arrive out of order and late', async () => {
      const applicant = await system.seed();
      await system.control(`/clients/${applicant.clientId}/behaviour`, {
        identity_fraud_check: { latencyMs: 100 },
        enhanced_identity_check: { latencyMs: 100 },
      });
      await system.control('/webhook-faults', { mode: 'reorder', count: 2, delayMs: 1500 });
      const decision = await resultOf(await system.start(applicant));
      assert.equal(decision.decision, 'approved');
    });

    it('creates each check once when the create response is lost', async () => {
      const applicant = await system.seed();
      await system.control('/faults', { kind: 'drop_response', method: 'POST', path: '/checks', count: 2 });
      const decision = await resultOf(await system.start(applicant));
      assert.equal(decision.decision, 'approved');
      assert.deepEqual(await system.checkCount(applicant.clientId), {
        identity_fraud_check: 1,
        enhanced_identity_check: 1,
      });
    });

    it('creates each check once when the create times out after ComplyCube made it', async () => {
      const applicant = await system.seed();
      // The client gives up after 2 s; the checks exist all the same.
      await system.control('/faults', { kind: 'delay', delayMs: 3000, method: 'POST', path: '/checks', count: 2 });
      const decision = await resultOf(await system.start(applicant));
      assert.equal(decision.decision, 'approved');
      assert.deepEqual(await system.checkCount(applicant.clientId), {
        identity_fraud_check: 1,
        enhanced_identity_check: 1,
      });
    });

    it('retries through 5xx and 429 (with and without Retry-After) and still creates each check once', async () => {
      const applicant = await system.seed();
      await system.control('/faults', { kind: 'error', status: 503, method: 'POST', path: '/checks', count: 1 });
      await system.control('/faults', {
        kind: 'rate_limit',
        retryAfterSeconds: 1,
        method: 'POST',
        path: '/checks',
        count: 1,
      });
      await system.control('/faults', { kind: 'rate_limit', method: 'GET', path: '/checks', count: 2 });
      const decision = await resultOf(await system.start(applicant));
      assert.equal(decision.decision, 'approved');
      assert.deepEqual(await system.checkCount(applicant.clientId), {
        identity_fraud_check: 1,
        enhanced_identity_check: 1,
      });
    });

    it('approves a clear applicant through 429s that say Retry-After: 0, with each check created once', async () => {
      const applicant = await system.seed();
      await system.control('/faults', { kind: 'rate_limit', retryAfterSeconds: 0, method: 'POST', count: 3 });
      await system.control('/faults', { kind: 'rate_limit', retryAfterSeconds: 0, method: 'GET', count: 3 });
      const handle = await system.start(applicant);
      // A 429 that ended the retries would send the clear applicant to review instead.
      await system.waitForStatus(handle, 'approved', 30_000);
      const decision = await resultOf(handle);
      assert.deepEqual([decision.decision, decision.reason], ['approved', 'all_checks_clear']);
      assert.deepEqual(await system.checkCount(applicant.clientId), {
        identity_fraud_check: 1,
        enhanced_identity_check: 1,
      });
    });

    it('retries a create ComplyCube refused with 429 without listing the checks first', async () => {
      const applicant = await system.seed();
      await system.control('/faults', {
        kind: 'rate_limit',
        retryAfterSeconds: 1,
        method: 'POST',
        path: '/checks',
        count: 2,
      });
      const decision = await resultOf(await system.start(applicant));
      assert.equal(decision.decision, 'approved');
      // A 429 proves nothing was created: the retries list nothing (the refused creates, answered
      // before the emulator reads the body, name no client in its log).
      assert.deepEqual(await checkCalls(system, applicant.clientId), { create: 2, list: 0, read: 2 });
      assert.deepEqual(await system.checkCount(applicant.clientId), {
        identity_fraud_check: 1,
        enhanced_identity_check: 1,
      });
    });

    it('adopts the check a lost create made, with a 429 on the way', async () => {
      const applicant = await system.seed({ lastName: 'attention' });
      // Each check's first attempt is created and its answer lost; a 429 follows. The retries must
      // still list (the first attempt was no refusal) and adopt the check made first.
      await system.control('/faults', { kind: 'drop_response', method: 'POST', path: '/checks', count: 2 });
      await system.control('/faults', {
        kind: 'rate_limit',
        retryAfterSeconds: 1,
        method: 'POST',
        path: '/checks',
        count: 2,
      });
      const handle = await system.start(applicant);
      await system.waitForStatus(handle, 'awaiting_review', 30_000);
      assert.ok((await checkCalls(system, applicant.clientId)).list >= 2, 'each retry lists the checks');
      assert.deepEqual(await system.checkCount(applicant.clientId), {
        identity_fraud_check: 1,
        enhanced_identity_check: 1,
      });
      await handle.cancel();
    });

    it('sends a check whose create is refused for good to review as error', async () => {
      const applicant = await system.seed();
      await system.control('/faults', { kind: 'error', status: 402, method: 'POST', path: '/checks', count: 2 });
      const handle = await system.start(applicant);
      const state = await system.waitForStatus(handle, 'awaiting_review');
      assert.deepEqual(state.reviewReasons, ['identity_fraud_check.error', 'enhanced_identity_check.error']);
      assert.equal(state.checks.identity_fraud_check.error, 'ComplyCubePaymentRequired');
      await handle.cancel();
    });
  });
});

/** The ComplyCube check calls made for a client, by kind, from the emulator's request log. */
async function checkCalls(
  system: TestSystem,
  clientId: string,
): Promise<{ create: number; list: number; read: number }> {
  const response = await fetch(`${system.emulatorUrl.replace(/\/v1$/, '')}/_emulator/requests?clientId=${clientId}`);
  const { items } = (await response.json()) as { items: { method: string; route: string }[] };
  const count = (method: string, route: string) => items.filter((r) => r.method === method && r.route === route).length;
  return {
    create: count('POST', '/v1/checks'),
    list: count('GET', '/v1/checks'),
    read: count('GET', '/v1/checks/:id'),
  };
}
