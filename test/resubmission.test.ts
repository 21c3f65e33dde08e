/**
 * Resubmission over real HTTP, with a real dev server, worker and emulator: a reviewer asks for a
 * new document, the backend answers with it, and only the enhanced identity check runs again; what
 * was asked for is on the audit record, the ledger and the webhooks; wrong answers are refused; the
 * policy caps the rounds; a resubmission that never comes ends the case `expired`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { onboardingWorkflowId, type OnboardingDecision } from '../workflows/onboarding-contract';
import { call } from './helpers/http';
import { runCli } from './helpers/processes';
import {
  assertedUpdate,
  FORGER_KEYRING,
  resubmissionArgs as sendResubmissionArgs,
  sendResubmission,
} from './helpers/review-assertions';

import {
  OTHER_REVIEWER_TOKEN,
  REVIEWER_TOKEN,
  SERVICE_TOKEN,
  startTestSystem,
  type TestSystem,
} from './helpers/system';
import { eventually } from './helpers/eventually';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/webhook-receiver';

describe('resubmission: asked by a reviewer, answered by the backend, checked again', () => {
  let system: TestSystem;
  let receiver: WebhookReceiver;
  const api = (method: string, path: string, options: Parameters<typeof call>[3] = {}) =>
    call(system.apiUrl, method, path, { token: SERVICE_TOKEN, ...options });

  before(async () => {
    system = await startTestSystem({ env: { POLICY_RESUBMISSION_ROUNDS: '1' } });
    receiver = await startWebhookReceiver();
    const endpoint = await api('POST', '/v1/webhook-endpoints', {
      body: { url: receiver.url, eventTypes: ['onboarding.resubmission_requested', 'onboarding.decided'] },
    });
    assert.equal(endpoint.status, 201, JSON.stringify(endpoint.body));
    receiver.secret = endpoint.body.secret as string;
  });

  after(async () => {
    await receiver?.close();
    await system?.close();
  });

  /** An applicant whose enhanced identity check needs attention, started through the API and on the desk. */
  async function enhancedAttentionCase() {
    const applicant = await system.seed();
    await system.control(`/clients/${applicant.clientId}/behaviour`, {
      enhanced_identity_check: { outcome: 'attention' },
    });
    assert.equal((await api('POST', '/v1/onboardings', { body: applicant })).status, 201);
    const handle = system.client.workflow.getHandle(onboardingWorkflowId(applicant.clientId));
    await system.waitForStatus(handle, 'awaiting_review', 30_000);
    return { applicant, handle, id: applicant.clientId };
  }

  const askForDocument = (id: string, token = REVIEWER_TOKEN) =>
    api('POST', `/v1/onboardings/${id}/review`, {
      token,
      body: {
        decision: 'request_resubmission',
        reason: 'The photo page is blurred',
        resubmission: { items: ['document'], reasonCodes: ['document_unreadable'] },
      },
    });

  it('asks for a new document, then runs only the enhanced identity check again, and the case returns to review', async () => {
    const { applicant, handle, id } = await enhancedAttentionCase();
    const asked = await askForDocument(id);
    assert.equal(asked.status, 200, JSON.stringify(asked.body));
    assert.equal(asked.body.status, 'awaiting_resubmission');
    assert.deepEqual(asked.body.resubmission.items, ['document']);
    assert.equal(asked.body.resubmission.note, 'The photo page is blurred', 'the note reads back in clear');
    assert.equal(asked.body.resubmissionRounds, 1);

    // A decision, or an answer that does not fit, is refused while the run waits.
    const early = await api('POST', `/v1/onboardings/${id}/review`, {
      token: OTHER_REVIEWER_TOKEN,
      body: { decision: 'approve', reason: 'fine' },
    });
    assert.equal(early.status, 409);
    assert.equal(early.body.error, 'review_not_due');
    const wrong = await api('POST', `/v1/onboardings/${id}/resubmissions`, {
      body: { liveVideoId: applicant.liveVideoId },
    });
    assert.equal(wrong.status, 409, JSON.stringify(wrong.body));
    assert.equal(wrong.body.error, 'resubmission_mismatch');
    assert.match(wrong.body.message, /documentId is required/);
    assert.equal((await api('POST', `/v1/onboardings/${id}/resubmissions`, { body: {} })).status, 400);
    assert.equal(
      (
        await api('POST', `/v1/onboardings/${id}/resubmissions`, {
          token: REVIEWER_TOKEN,
          body: { documentId: applicant.documentId },
        })
      ).status,
      403,
    );

    const before = await system.checkCount(id);
    assert.deepEqual(before, { identity_fraud_check: 1, enhanced_identity_check: 1 });
    const documentId = await system.newDocument(id);
    const headers = { 'idempotency-key': `resubmit-${id}` };
    const answered = await api('POST', `/v1/onboardings/${id}/resubmissions`, { body: { documentId }, headers });
    assert.equal(answered.status, 200, JSON.stringify(answered.body));
    assert.equal(answered.body.status, 'checks_running');
    const replayed = await api('POST', `/v1/onboardings/${id}/resubmissions`, { body: { documentId }, headers });
    assert.equal(replayed.status, 200);
    assert.equal(replayed.headers.get('idempotent-replayed'), 'true');

    const again = await system.waitForStatus(handle, 'awaiting_review', 30_000);
    assert.deepEqual(await system.checkCount(id), { identity_fraud_check: 1, enhanced_identity_check: 2 });
    assert.equal(again.supersededChecks?.length, 1);
    assert.notEqual(again.checks.enhanced_identity_check.checkId, again.supersededChecks[0]!.checkId);
    assert.equal(again.checks.identity_fraud_check.checkId, before && again.checks.identity_fraud_check.checkId);
    const another = await api('POST', `/v1/onboardings/${id}/resubmissions`, { body: { documentId } });
    assert.equal(another.status, 409);
    assert.equal(another.body.error, 'resubmission_not_requested');

    // The policy allows one round here.
    const capped = await askForDocument(id);
    assert.equal(capped.status, 409);
    assert.equal(capped.body.error, 'resubmission_rounds_exhausted');

    // On the record: the request, what was asked, the note in clear to the API.
    const audit = await api('GET', `/v1/onboardings/${id}/audit`);
    const request = audit.body.items.find((item: { kind: string }) => item.kind === 'resubmission_requested');
    assert.ok(request, JSON.stringify(audit.body.items));
    assert.deepEqual(request.resubmission, { items: ['document'], reasonCodes: ['document_unreadable'] });
    assert.equal(request.actor, 'reviewer-alice');
    assert.equal(request.authenticated, true);
    const ledger = await system.store.ledgerEntriesFor(id);
    assert.ok(ledger.some((entry) => entry.kind === 'resubmission_requested'));

    const decided = await api('POST', `/v1/onboardings/${id}/review`, {
      token: REVIEWER_TOKEN,
      body: { decision: 'approve', reason: 'new document matches' },
    });
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    assert.equal(((await handle.result()) as OnboardingDecision).decision, 'approved');

    // The backend heard of the request (codes, never the note) and of the decision.
    const events = await eventually('the events', () => {
      const types = receiver.received.filter((event) => event.data.onboardingId === id).map((event) => event.type);
      return types.includes('onboarding.decided')
        ? receiver.received.filter((e) => e.data.onboardingId === id)
        : undefined;
    });
    const requested = events.find((event) => event.type === 'onboarding.resubmission_requested')!;
    assert.ok(requested.verified);
    assert.deepEqual(requested.data.items, ['document']);
    assert.deepEqual(requested.data.reasonCodes, ['document_unreadable']);
    assert.ok(!requested.body.includes('blurred'), 'the note never goes out');
  });

  it('asks and answers through the operator CLI, and refuses a bad command line', async () => {
    const { handle, id } = await enhancedAttentionCase();
    const as = (token: string, ...args: string[]) =>
      runCli(system, args, { KYC_API_URL: system.apiUrl, KYC_API_TOKEN: token });
    await assert.rejects(
      as(
        REVIEWER_TOKEN,
        'review',
        id,
        '--decision',
        'request_resubmission',
        '--items',
        'passport',
        '--reasons',
        'other',
        '--reason',
        'x',
      ),
      (error: { code: number; stderr: string }) => error.code === 2 && /items/.test(error.stderr),
    );
    const asked = await as(
      REVIEWER_TOKEN,
      'review',
      id,
      '--decision',
      'request_resubmission',
      '--items',
      'document,live_video',
      '--reasons',
      'document_expired,face_not_visible',
      '--reason',
      'Passport expired; face hidden',
    );
    assert.deepEqual(JSON.parse(asked.stdout).resubmission.items, ['document', 'live_video']);
    const state = await system.waitForStatus(handle, 'awaiting_resubmission');
    assert.deepEqual(state.resubmission?.reasonCodes, ['document_expired', 'face_not_visible']);
    const documentId = await system.newDocument(id);
    await assert.rejects(
      as(SERVICE_TOKEN, 'resubmit', id, '--document-id', documentId),
      (error: { code: number; stderr: string }) => error.code === 3 && /liveVideoId is required/.test(error.stderr),
    );
    const { liveVideoId } = await system.seed();
    const answered = await as(
      SERVICE_TOKEN,
      'resubmit',
      id,
      '--document-id',
      documentId,
      '--live-video-id',
      liveVideoId,
    );
    assert.equal(JSON.parse(answered.stdout).status, 'checks_running');
  });

  it("refuses requests and answers sent straight to Temporal without the API's assertion of exactly them", async () => {
    const { handle, id } = await enhancedAttentionCase();
    const refusal = (promise: Promise<unknown>) =>
      promise.then(
        () => 'accepted',
        (error: { cause?: { message?: string } }) => error.cause?.message ?? 'refused',
      );
    // A reviewer's request whose items were changed after the API signed it.
    const request = await assertedUpdate(handle.workflowId, 'decide', {
      reviewer: 'reviewer-alice',
      decision: 'request_resubmission',
      reason: 'blurred',
      resubmission: { items: ['document'], reasonCodes: ['document_unreadable'] },
    });
    const altered = { ...request.args[0], resubmission: { items: ['live_video'], reasonCodes: ['other'] } };
    assert.equal(
      await refusal(handle.executeUpdate('submitReview', { updateId: request.updateId, args: [altered] })),
      'assertion_invalid',
    );
    assert.equal((await askForDocument(id)).status, 200);
    const documentId = await system.newDocument(id);
    assert.equal(
      await refusal(handle.executeUpdate('submitResubmission', { args: [{ documentId }] })),
      'assertion_required',
    );
    assert.equal(
      await refusal(sendResubmission(handle, { documentId }, { keyring: FORGER_KEYRING })),
      'assertion_invalid',
    );
    assert.equal(await refusal(sendResubmission(handle, { documentId }, { roles: ['reviewer'] })), 'assertion_invalid');
    // An assertion for one document, carrying another.
    const signed = await sendResubmissionArgs(handle.workflowId, { documentId: 'f'.repeat(24) });
    assert.equal(
      await refusal(
        handle.executeUpdate('submitResubmission', {
          updateId: signed.updateId,
          args: [{ ...signed.args[0], documentId }],
        }),
      ),
      'assertion_invalid',
    );
    assert.equal((await system.state(handle)).status, 'awaiting_resubmission');
    await sendResubmission(handle, { documentId });
    await system.waitForStatus(handle, 'awaiting_review', 30_000);
  });

  it('ends the case expired when the resubmission never comes by the deadline', async () => {
    const applicant = await system.seed();
    await system.control(`/clients/${applicant.clientId}/behaviour`, {
      enhanced_identity_check: { outcome: 'attention' },
    });
    const handle = await system.start(applicant, { resubmissionDeadline: '2s' });
    await system.waitForStatus(handle, 'awaiting_review', 30_000);
    assert.equal((await askForDocument(applicant.clientId)).status, 200);
    const decision = (await handle.result()) as OnboardingDecision;
    assert.equal(decision.decision, 'expired');
    assert.equal(decision.reason, 'resubmission_expired');
    const [recorded] = await system.store.decisionsFor(applicant.clientId);
    assert.equal(recorded?.decision, 'expired');
    const view = await api('GET', `/v1/onboardings/${applicant.clientId}`);
    assert.equal(view.body.status, 'expired');
    await eventually('the events', () =>
      receiver.received.find(
        (event) =>
          event.type === 'onboarding.decided' &&
          event.data.onboardingId === applicant.clientId &&
          event.data.decision === 'expired',
      ),
    );
  });
});
