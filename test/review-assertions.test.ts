/**
 * Who really decided, tried as an attacker would: someone with Temporal access (the Temporal CLI,
 * a client of their own) but no reviewer's credentials, and without the API's key. Unsigned
 * Updates naming the console, forged, borrowed, altered and replayed assertions, typed names by
 * signal on a four-eyes case; and the API's path, which must still decide, by the policy's roles.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { parseKeyring } from '../security/keyring';
import { AUDITOR_TOKEN, SENIOR_REVIEWER_TOKEN } from '../system/in-process-credentials';
import type { OnboardingState } from '../workflows/onboarding-contract';
import { call } from './helpers/http';
import { assertedUpdate, sendAsserted } from './helpers/review-assertions';
import { OTHER_REVIEWER_TOKEN, REVIEWER_TOKEN, startTestSystem, type TestSystem } from './helpers/system';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Signed with the workers' key ID but not their secret. */
const FORGED = parseKeyring('test-1:Zm9yZ2VkLWtleS1mb3JnZWQta2V5LWZvcmdlZC1rZXktMDA');

const refusedWith = (code: string) => (error: unknown) => {
  assert.ok(error instanceof WorkflowUpdateFailedError, `expected WorkflowUpdateFailedError, got ${String(error)}`);
  assert.equal(error.cause?.message, code);
  return true;
};

describe('review assertions: only a reviewer the API authenticated decides', () => {
  let system: TestSystem;
  const temporalCli = (...args: string[]) =>
    promisify(execFile)(process.env.TEMPORAL_CLI_PATH ?? 'temporal', [
      ...args,
      '--address',
      system.temporalAddress,
      '--namespace',
      system.namespace,
      // Failures are encrypted (docs/payload-encryption.md): an operator reads them through the codec server.
      '--codec-endpoint',
      `${system.apiUrl}/codec/{namespace}`,
      '--codec-auth',
      `Bearer ${AUDITOR_TOKEN}`,
    ]);

  before(async () => {
    system = await startTestSystem();
  });
  after(async () => {
    await system?.close();
  });

  /** A case in review that takes two reviewers, started straight on Temporal with `policy`. */
  async function fourEyesCase(policy: Record<string, unknown> = {}): Promise<{ id: string; handle: WorkflowHandle }> {
    const applicant = await system.seed({ lastName: 'attention' });
    const handle = await system.start(applicant, { secondApproval: 'any_review', ...policy });
    await system.waitForStatus(handle, 'awaiting_review');
    return { id: applicant.clientId, handle };
  }

  const untouched = async (handle: WorkflowHandle) => {
    const state = await system.state(handle);
    assert.equal(state.status, 'awaiting_review');
    assert.equal(state.firstApproval, undefined);
    assert.equal(state.claim, undefined);
    return state;
  };

  it('refuses unsigned Updates naming the console, sent with the Temporal CLI', async () => {
    const { handle } = await fourEyesCase();
    const update = (name: string, input: object) =>
      temporalCli(
        'workflow',
        'update',
        'execute',
        '--workflow-id',
        handle.workflowId,
        '--name',
        name,
        '--input',
        JSON.stringify(input),
      );
    const decision = { decision: 'approve', reviewer: 'reviewer-alice', reason: 'trust me', channel: 'console' };
    await assert.rejects(update('submitReview', decision), /assertion_required/);
    await assert.rejects(update('claimCase', { reviewer: 'reviewer-alice', channel: 'console' }), /assertion_required/);
    await assert.rejects(
      update('releaseCase', { reviewer: 'reviewer-alice', channel: 'console' }),
      /assertion_required/,
    );
    await untouched(handle);
  });

  it('refuses two typed names by signal on a four-eyes case, by default and where signals are accepted', async () => {
    for (const signalDecisions of ['refused', 'accepted']) {
      const { handle } = await fourEyesCase({ signalDecisions });
      for (const reviewer of ['reviewer-alice', 'reviewer-bob']) {
        const input = JSON.stringify({ decision: 'approve', reviewer, reason: 'looks fine' });
        await temporalCli(
          'workflow',
          'signal',
          '--workflow-id',
          handle.workflowId,
          '--name',
          'reviewDecision',
          '--input',
          input,
        );
      }
      await sleep(500);
      const state = await untouched(handle);
      const expected = signalDecisions === 'refused' ? 'signal_decisions_refused' : 'verified_approvals_required';
      assert.deepEqual(
        state.reviews.map((r) => r.rejection),
        [expected, expected],
      );
      await handle.cancel();
    }
  });

  it('refuses forged, borrowed, altered and replayed assertions after the worker checks them', async () => {
    const { handle } = await fourEyesCase();
    const approve = { decision: 'approve' as const, reviewer: 'reviewer-alice', reason: 'documents match' };
    // Signed with a key the workers do not hold.
    await assert.rejects(
      sendAsserted(handle, 'decide', approve, { keyring: FORGED }),
      refusedWith('assertion_invalid'),
    );
    // A good assertion for another run.
    const other = await fourEyesCase();
    const borrowed = await assertedUpdate(other.handle.workflowId, 'decide', approve);
    await assert.rejects(handle.executeUpdate('submitReview', borrowed), refusedWith('assertion_invalid'));
    // A good assertion with the message changed: another decision, reason, reviewer or channel.
    for (const change of [
      { decision: 'reject' },
      { reason: 'other' },
      { reviewer: 'reviewer-bob' },
      { channel: 'console' },
    ]) {
      const signed = await assertedUpdate(handle.workflowId, 'decide', approve);
      const altered = { updateId: signed.updateId, args: [{ ...signed.args[0], ...change }] as [object] };
      await assert.rejects(handle.executeUpdate('submitReview', altered), refusedWith('assertion_invalid'));
    }
    // A claim's assertion sent as a decision; a decision's sent under another Update ID.
    const claim = await assertedUpdate(handle.workflowId, 'claim', { reviewer: 'reviewer-alice' });
    await assert.rejects(
      handle.executeUpdate('submitReview', { updateId: claim.updateId, args: [{ ...approve, ...claim.args[0] }] }),
      refusedWith('assertion_invalid'),
    );
    const signed = await assertedUpdate(handle.workflowId, 'decide', approve);
    await assert.rejects(
      handle.executeUpdate('submitReview', { updateId: `${signed.updateId}-again`, args: signed.args }),
      refusedWith('assertion_invalid'),
    );
    const state = await untouched(handle);
    assert.ok(state.reviews.filter((r) => r.rejection === 'assertion_invalid').length >= 7);
    // The genuine one still counts, once: sent again under its own ID it is the same Update.
    const first = await handle.executeUpdate<OnboardingState, [object]>('submitReview', signed);
    assert.equal(first.status, 'awaiting_second_approval');
    assert.equal(first.firstApproval?.verified, true);
    const again = await handle.executeUpdate<OnboardingState, [object]>('submitReview', signed);
    assert.equal(again.status, 'awaiting_second_approval');
    await handle.cancel();
    await other.handle.cancel();
  });

  it('decides through the API with two verified reviewers, the second in a role the policy names', async () => {
    const { id, handle } = await fourEyesCase({ secondApproverRoles: ['senior_reviewer'] });
    const review = (token: string, decision: string, reason: string) =>
      call(system.apiUrl, 'POST', `/v1/onboardings/${id}/review`, { token, body: { decision, reason } });
    assert.equal((await review(AUDITOR_TOKEN, 'approve', 'I only read')).status, 403);
    const first = await review(REVIEWER_TOKEN, 'approve', 'documents match');
    assert.equal(first.body.status, 'awaiting_second_approval', JSON.stringify(first.body));
    assert.equal(first.body.firstApproval?.verified, true);
    const peer = await review(OTHER_REVIEWER_TOKEN, 'approve', 'agree');
    assert.deepEqual([peer.status, peer.body.error], [409, 'second_approver_role_required']);
    const senior = await review(SENIOR_REVIEWER_TOKEN, 'approve', 'agree, as senior');
    assert.equal(senior.body.status, 'approved', JSON.stringify(senior.body));
    assert.equal(senior.body.decision?.verified, true);
    const decision = (await system.store.decisionsFor(id))[0]!;
    assert.deepEqual([decision.decidedBy, decision.verified], ['senior-carol', true]);
    assert.equal((await handle.result()).decision, 'approved');
  });
});
