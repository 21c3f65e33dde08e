/**
 * The desk's tools over real HTTP, with a real dev server, worker and emulator
 * (docs/reviewer-view.md): the queue's filters and search, a senior's assignment, internal notes,
 * decision reason codes, and refused attempts that say what was attempted. Someone with Temporal
 * access cannot assign as a senior, nor change a decision's codes.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { onboardingWorkflowId } from '../workflows/onboarding-contract';
import { call } from './helpers/http';
import { assertedUpdate, FORGER_KEYRING, sendAssignment } from './helpers/review-assertions';
import {
  OTHER_REVIEWER_TOKEN,
  REVIEWER_TOKEN,
  SENIOR_REVIEWER_TOKEN,
  SERVICE_TOKEN,
  startTestSystem,
  type TestSystem,
} from './helpers/system';

describe('the desk: filters, assignment, notes, reason codes', () => {
  let system: TestSystem;
  const api = (method: string, path: string, options: Parameters<typeof call>[3] = {}) =>
    call(system.apiUrl, method, path, { token: REVIEWER_TOKEN, ...options });
  const cases: string[] = [];

  before(async () => {
    system = await startTestSystem();
    for (let i = 0; i < 3; i += 1) {
      const applicant = await system.seed({ lastName: 'attention' });
      assert.equal((await api('POST', '/v1/onboardings', { token: SERVICE_TOKEN, body: applicant })).status, 201);
      cases.push(applicant.clientId);
    }
    for (const id of cases) {
      await system.waitForStatus(system.client.workflow.getHandle(onboardingWorkflowId(id)), 'awaiting_review', 30_000);
    }
  });
  after(async () => {
    await system?.close();
  });

  const queue = async (query: string, token = REVIEWER_TOKEN) => {
    const answer = await api('GET', `/v1/onboardings?queue=review&pageSize=100&${query}`, { token });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return (answer.body.items as { onboardingId: string }[])
      .map((item) => item.onboardingId)
      .filter((id) => cases.includes(id));
  };

  it('filters the queue by client, reason, SLA and "mine", and keeps page tokens to one filter', async () => {
    assert.deepEqual(await queue(`clientId=${cases[1]}`), [cases[1]]);
    assert.deepEqual((await queue('reason=identity_fraud_check.attention')).sort(), [...cases].sort());
    assert.deepEqual(await queue('reason=identity_fraud_check.timed_out'), []);
    assert.deepEqual(await queue('slaBreached=true'), [], 'no case is past its SLA yet');
    assert.equal((await api('POST', `/v1/onboardings/${cases[0]}/claim`)).status, 200);
    assert.deepEqual(await queue('assignee=me'), [cases[0]]);
    assert.deepEqual(await queue('assignee=me', OTHER_REVIEWER_TOKEN), []);
    assert.equal((await api('DELETE', `/v1/onboardings/${cases[0]}/claim`)).status, 200);
    assert.deepEqual(await queue('assignee=me'), []);

    const first = await api('GET', '/v1/onboardings?queue=review&pageSize=1&reason=identity_fraud_check.attention');
    const token = first.body.nextPageToken as string;
    assert.ok(token);
    const other = await api('GET', `/v1/onboardings?queue=review&pageSize=1&pageToken=${token}`);
    assert.equal(other.status, 400, 'a token from another filter is refused');
    assert.equal((await api('GET', '/v1/onboardings?reason=identity_fraud_check.attention')).status, 400);
    assert.equal((await api('GET', '/v1/onboardings?queue=review&clientId=nothex')).status, 400);
  });

  it('lets a senior assign a case, which the assignee then holds; a reviewer cannot', async () => {
    const id = cases[1]!;
    assert.equal(
      (await api('POST', `/v1/onboardings/${id}/assignment`, { body: { assignee: 'reviewer-bob' } })).status,
      403,
      'a reviewer is not a senior',
    );
    const assigned = await api('POST', `/v1/onboardings/${id}/assignment`, {
      token: SENIOR_REVIEWER_TOKEN,
      body: { assignee: 'reviewer-bob' },
    });
    assert.equal(assigned.status, 200, JSON.stringify(assigned.body));
    assert.equal(assigned.body.claim.reviewer, 'reviewer-bob');
    assert.equal(assigned.body.claim.assignedBy, 'senior-carol');
    assert.equal(assigned.body.claim.expiresAt, assigned.body.reviewExpiresAt, 'held until the review expires');
    assert.deepEqual(await queue('assignee=me', OTHER_REVIEWER_TOKEN), [id]);
    const taken = await api('POST', `/v1/onboardings/${id}/claim`);
    assert.equal(taken.status, 409);
    assert.equal(taken.body.error, 'claimed_by_other');
    // The assignee's own claim renews it without shortening it or forgetting who assigned it.
    const renewed = await api('POST', `/v1/onboardings/${id}/claim`, { token: OTHER_REVIEWER_TOKEN });
    assert.equal(renewed.body.claim.assignedBy, 'senior-carol');
    assert.equal(renewed.body.claim.expiresAt, assigned.body.claim.expiresAt);

    const trail = (await api('GET', `/v1/onboardings/${id}/audit`)).body.items as Record<string, unknown>[];
    const assignment = trail.find((row) => row.kind === 'assignment');
    assert.equal(assignment?.actor, 'senior-carol');
    assert.equal(assignment?.assignee, 'reviewer-bob');
    const refusedClaim = trail.find((row) => row.kind === 'refused' && row.actor === 'reviewer-alice');
    assert.equal(refusedClaim?.reason, 'claim refused', 'the refused attempt says what was attempted');
    assert.equal(refusedClaim?.refusal, 'claimed_by_other');

    // The assignee gives the first of two approvals: a senior cannot then hand them the second.
    const first = await api('POST', `/v1/onboardings/${id}/review`, {
      token: OTHER_REVIEWER_TOKEN,
      body: { decision: 'approve', reason: 'namesake', reasonCodes: ['false_positive_confirmed'] },
    });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.status, 'awaiting_second_approval');
    const again = await api('POST', `/v1/onboardings/${id}/assignment`, {
      token: SENIOR_REVIEWER_TOKEN,
      body: { assignee: 'reviewer-bob' },
    });
    assert.equal(again.status, 409);
    assert.equal(again.body.error, 'second_approval_by_same_reviewer');
  });

  it('refuses an assignment sent through Temporal without a senior behind it', async () => {
    const handle = system.client.workflow.getHandle(onboardingWorkflowId(cases[2]!));
    const assign = (options: { roles: string[]; keyring?: typeof FORGER_KEYRING; boundAssignee?: string }) =>
      sendAssignment(
        handle,
        {
          assignee: 'mallory',
          assignedBy: 'mallory',
          ...(options.boundAssignee ? { boundAssignee: options.boundAssignee } : {}),
        },
        { roles: options.roles, ...(options.keyring ? { keyring: options.keyring } : {}) },
      ).then(
        () => 'accepted',
        (error: Error & { cause?: Error }) => error.cause?.message ?? error.message,
      );
    assert.equal(await assign({ roles: ['reviewer'] }), 'senior_reviewer_required');
    assert.equal(await assign({ roles: ['senior_reviewer'], keyring: FORGER_KEYRING }), 'assertion_invalid');
    assert.equal(
      await assign({ roles: ['senior_reviewer'], boundAssignee: 'reviewer-bob' }),
      'assertion_invalid',
      'an assertion for another assignee',
    );
    const state = await handle.query('getState');
    assert.equal((state as { claim?: unknown }).claim, undefined);
  });

  it('says on the audit trail what a refused signal attempted', async () => {
    const handle = system.client.workflow.getHandle(onboardingWorkflowId(cases[2]!));
    await handle.signal('reviewDecision', { decision: 'approve', reviewer: 'someone', reason: 'by signal' });
    let refused: Record<string, unknown> | undefined;
    for (let i = 0; i < 50 && !refused; i += 1) {
      const trail = (await api('GET', `/v1/onboardings/${cases[2]}/audit`)).body.items as Record<string, unknown>[];
      refused = trail.find((row) => row.kind === 'refused' && row.channel === 'signal');
      if (!refused) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(refused?.decision, 'approve');
    assert.equal(refused?.reason, 'decision refused');
    assert.equal(refused?.refusal, 'signal_decisions_refused');
  });

  it('keeps internal notes on the audit trail and the ledger, never in Temporal', async () => {
    const id = cases[2]!;
    const text = `Called the applicant's bank ${randomUUID()}`;
    const note = await api('POST', `/v1/onboardings/${id}/notes`, { body: { text } });
    assert.equal(note.status, 201, JSON.stringify(note.body));
    assert.equal(note.body.kind, 'note');
    assert.equal(note.body.reason, text);
    const trail = (await api('GET', `/v1/onboardings/${id}/audit`)).body.items as Record<string, unknown>[];
    assert.ok(trail.some((row) => row.kind === 'note' && row.reason === text && row.actor === 'reviewer-alice'));
    const asBackend = (await api('GET', `/v1/onboardings/${id}/audit`, { token: SERVICE_TOKEN })).body.items as {
      kind: string;
    }[];
    assert.ok(asBackend.length > 0);
    assert.ok(!asBackend.some((row) => row.kind === 'note'), 'the onboarding backend never sees a note');
    assert.ok(!JSON.stringify(asBackend).includes(text));
    const record = await api('GET', `/v1/onboardings/${id}/record`);
    assert.ok((record.body.entries as { kind: string }[]).some((entry) => entry.kind === 'note'));
    const history = JSON.stringify(await system.client.workflow.getHandle(onboardingWorkflowId(id)).fetchHistory());
    assert.ok(!history.includes(text.slice(-36)), 'the note never went to Temporal');

    assert.equal(
      (await api('POST', `/v1/onboardings/${id}/notes`, { token: SERVICE_TOKEN, body: { text } })).status,
      403,
    );
    assert.equal((await api('POST', `/v1/onboardings/${id}/notes`, { body: { text: '' } })).status, 400);
    const unknown = await api('POST', `/v1/onboardings/${'f'.repeat(24)}/notes`, { body: { text } });
    assert.equal(unknown.status, 404);
  });

  it('records a decision with its reason codes, and refuses codes the assertion does not bind', async () => {
    const id = cases[0]!;
    const wrong = await api('POST', `/v1/onboardings/${id}/review`, {
      body: { decision: 'approve', reason: 'fine', reasonCodes: ['document_forged'] },
    });
    assert.equal(wrong.status, 400, 'a rejection code with an approval');

    // Through Temporal: codes other than those the API signed for.
    const handle = system.client.workflow.getHandle(onboardingWorkflowId(id));
    const update = await assertedUpdate(handle.workflowId, 'decide', {
      reviewer: 'reviewer-alice',
      decision: 'reject',
      reason: 'Forged',
      reasonCodes: ['document_forged'],
    });
    update.args[0].reasonCodes = ['face_mismatch'];
    const altered = await handle.executeUpdate('submitReview', update).then(
      () => 'accepted',
      (error: Error & { cause?: Error }) => error.cause?.message ?? error.message,
    );
    assert.equal(altered, 'assertion_invalid');

    const decided = await api('POST', `/v1/onboardings/${id}/review`, {
      body: { decision: 'reject', reason: 'The passport is forged', reasonCodes: ['document_forged', 'other'] },
    });
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    assert.deepEqual(decided.body.decision.reasonCodes, ['document_forged', 'other']);
    const trail = (await api('GET', `/v1/onboardings/${id}/audit`)).body.items as Record<string, unknown>[];
    assert.deepEqual(trail.find((row) => row.kind === 'decision')?.reasonCodes, ['document_forged', 'other']);
    const stored = await api('GET', `/v1/decisions/${id}`, { token: SERVICE_TOKEN });
    assert.deepEqual(JSON.stringify(stored.body).includes('document_forged'), true);
  });
});
