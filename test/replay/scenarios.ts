import type { WorkflowHandle } from '@temporalio/client';
import { FORGER_KEYRING, sendAsserted, sendAssignment, sendResubmission } from '../helpers/review-assertions';
import { SERVICE_TOKEN, type TestSystem } from '../helpers/system';

/**
 * One run per path through the workflow. `npm run fixtures:record` runs them and saves their
 * histories; the replay test replays those histories against the current workflow code, so a
 * change that is not deterministic for runs already in flight fails CI.
 */
export interface Scenario {
  name: string;
  run(system: TestSystem): Promise<WorkflowHandle>;
}

const settle = async (handle: WorkflowHandle) => {
  await handle.result().catch(() => undefined);
  return handle;
};

export const SCENARIOS: Scenario[] = [
  {
    name: 'clear-clear-approved',
    run: async (system) => settle(await system.start(await system.seed())),
  },
  {
    name: 'attention-approved-by-signal',
    async run(system) {
      // Since 0.5.0 decisions by signal are refused unless the policy accepts them.
      const handle = await system.start(await system.seed({ lastName: 'attention' }), { signalDecisions: 'accepted' });
      await system.waitForStatus(handle, 'awaiting_review');
      await handle.signal('reviewDecision', { decision: 'maybe' });
      await handle.signal('reviewDecision', { decision: 'approve', reviewer: 'reviewer-alice', reason: 'verified' });
      await handle.signal('reviewDecision', { decision: 'reject', reviewer: 'reviewer-bob', reason: 'late' });
      return settle(handle);
    },
  },
  {
    name: 'attention-rejected-by-update',
    async run(system) {
      const handle = await system.start(await system.seed({ lastName: 'attention' }));
      await system.waitForStatus(handle, 'awaiting_review');
      await sendAsserted(handle, 'decide', {
        decision: 'reject',
        reviewer: 'reviewer-bob',
        reason: 'face enrolled elsewhere',
      });
      return settle(handle);
    },
  },
  {
    name: 'failed-checks-escalated-expired',
    async run(system) {
      const handle = await system.start(await system.seed({ lastName: 'failed' }), {
        reviewSla: '1s',
        reviewExpiry: '2s',
      });
      return settle(handle);
    },
  },
  {
    name: 'check-timed-out-after-polling',
    async run(system) {
      const applicant = await system.seed();
      await system.control(`/clients/${applicant.clientId}/behaviour`, {
        enhanced_identity_check: { neverComplete: true },
      });
      const handle = await system.start(applicant, {
        checkTimeout: '3s',
        pollInterval: '1s',
        maxPollInterval: '1s',
        signalDecisions: 'accepted',
      });
      await system.waitForStatus(handle, 'awaiting_review');
      await handle.signal('reviewDecision', {
        decision: 'approve',
        reviewer: 'reviewer-alice',
        reason: 'manual check',
      });
      return settle(handle);
    },
  },
  {
    name: 'webhooks-lost-completed-by-polling',
    async run(system) {
      await system.control('/webhook-faults', { mode: 'drop', count: 2 });
      return settle(await system.start(await system.seed(), { pollInterval: '1s', maxPollInterval: '1s' }));
    },
  },
  {
    name: 'create-response-lost-then-adopted',
    async run(system) {
      await system.control('/faults', { kind: 'drop_response', method: 'POST', path: '/checks', count: 2 });
      return settle(await system.start(await system.seed()));
    },
  },
  {
    name: 'withdrawn-by-cancellation',
    async run(system) {
      const handle = await system.start(await system.seed({ lastName: 'attention' }));
      await system.waitForStatus(handle, 'awaiting_review');
      await handle.cancel();
      return settle(handle);
    },
  },
  {
    // Through the API: the whole policy in the input and the first status set at start (no upsert).
    name: 'started-by-the-api-approved',
    async run(system) {
      const applicant = await system.seed();
      const response = await fetch(`${system.apiUrl}/v1/onboardings`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${SERVICE_TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(applicant),
      });
      if (response.status !== 201) throw new Error(`start: ${response.status} ${await response.text()}`);
      return settle(system.client.workflow.getHandle(`onboarding-${applicant.clientId}`));
    },
  },
  {
    // 0.3.0: a claim, a first approval, a second by signal (name asserted), the audit trail and queue.
    name: 'four-eyes-claimed-approved-twice',
    async run(system) {
      const handle = await system.start(await system.seed({ lastName: 'attention' }), {
        secondApproval: 'identity_fraud_attention',
        signalDecisions: 'accepted',
        claimLease: '15m',
      });
      await system.waitForStatus(handle, 'awaiting_review');
      await sendAsserted(handle, 'claim', { reviewer: 'reviewer-alice', channel: 'console' });
      await sendAsserted(handle, 'decide', {
        decision: 'approve',
        reviewer: 'reviewer-alice',
        reason: 'namesake',
        channel: 'console',
      });
      await handle.signal('reviewDecision', { decision: 'approve', reviewer: 'reviewer-alice', reason: 'again' });
      await handle.signal('reviewDecision', { decision: 'approve', reviewer: 'ops-carol', reason: 'agree' });
      // Since 0.5.0 a signal never counts as one of two: a verified second reviewer ends it.
      await sendAsserted(handle, 'decide', { decision: 'approve', reviewer: 'ops-carol', reason: 'agree' });
      return settle(handle);
    },
  },
  {
    // 0.3.0: a claim released, another reviewer's claim, a rejection by update.
    name: 'claim-released-then-rejected',
    async run(system) {
      const handle = await system.start(await system.seed({ lastName: 'attention' }), { claimLease: '15m' });
      await system.waitForStatus(handle, 'awaiting_review');
      await sendAsserted(handle, 'claim', { reviewer: 'reviewer-alice' });
      await sendAsserted(handle, 'claim', { reviewer: 'reviewer-alice' });
      await sendAsserted(handle, 'release', { reviewer: 'reviewer-alice' });
      await sendAsserted(handle, 'claim', { reviewer: 'reviewer-bob', channel: 'cli' });
      await sendAsserted(handle, 'decide', {
        decision: 'reject',
        reviewer: 'reviewer-bob',
        reason: 'document forged',
        channel: 'cli',
      });
      return settle(handle);
    },
  },
  {
    // 0.3.0: decisions by signal refused by the policy, then one by update.
    name: 'signal-decisions-refused',
    async run(system) {
      const handle = await system.start(await system.seed({ lastName: 'attention' }), {
        signalDecisions: 'refused',
        secondApproval: 'never',
      });
      await system.waitForStatus(handle, 'awaiting_review');
      await handle.signal('reviewDecision', { decision: 'approve', reviewer: 'mallory', reason: 'trust me' });
      await handle.executeUpdate('syncReviewCase', { args: [] });
      await sendAsserted(handle, 'decide', { decision: 'approve', reviewer: 'reviewer-bob', reason: 'verified' });
      return settle(handle);
    },
  },
  {
    // 0.5.0: forged and borrowed assertions refused after the worker checked them, then two
    // verified approvals by different reviewers, the second a senior as the policy asks.
    name: 'four-eyes-verified-forgeries-refused',
    async run(system) {
      const handle = await system.start(await system.seed({ lastName: 'attention' }), {
        secondApproval: 'any_review',
        secondApproverRoles: ['senior_reviewer'],
      });
      await system.waitForStatus(handle, 'awaiting_review');
      const refused = (promise: Promise<unknown>) =>
        promise.then(
          () => {
            throw new Error('a forged assertion was taken');
          },
          () => undefined,
        );
      const approve = { decision: 'approve' as const, reviewer: 'reviewer-alice', reason: 'documents match' };
      await refused(sendAsserted(handle, 'decide', approve, { keyring: FORGER_KEYRING }));
      await sendAsserted(handle, 'claim', { reviewer: 'reviewer-alice', channel: 'console' });
      await sendAsserted(handle, 'decide', { ...approve, channel: 'console' });
      await refused(sendAsserted(handle, 'decide', { ...approve, reviewer: 'reviewer-bob', reason: 'agree' }));
      await handle.signal('reviewDecision', { decision: 'approve', reviewer: 'senior-carol', reason: 'typed' });
      await sendAsserted(
        handle,
        'decide',
        { decision: 'approve', reviewer: 'senior-carol', reason: 'agree' },
        { roles: ['senior_reviewer'] },
      );
      return settle(handle);
    },
  },
  {
    // 0.8.0: a reviewer asks for a new document; the backend sends it; only the enhanced identity
    // check runs again, comes back clear, and the onboarding is approved as any clear one is.
    name: 'resubmission-document-then-approved',
    async run(system) {
      const applicant = await system.seed();
      await system.control(`/clients/${applicant.clientId}/behaviour`, {
        enhanced_identity_check: { outcome: 'attention' },
      });
      const handle = await system.start(applicant);
      await system.waitForStatus(handle, 'awaiting_review');
      await sendAsserted(handle, 'decide', {
        decision: 'request_resubmission',
        reviewer: 'reviewer-alice',
        reason: 'photo unreadable',
        resubmission: { items: ['document'], reasonCodes: ['document_unreadable'] },
      });
      await system.control(`/clients/${applicant.clientId}/behaviour`, {
        enhanced_identity_check: { outcome: 'clear' },
      });
      const documentId = await system.newDocument(applicant.clientId);
      await sendResubmission(handle, { documentId });
      return settle(handle);
    },
  },
  {
    // 0.8.0: a resubmission asked for and never given: the onboarding ends expired at the deadline.
    name: 'resubmission-never-came-expired',
    async run(system) {
      const handle = await system.start(await system.seed({ lastName: 'attention' }), { resubmissionDeadline: '2s' });
      await system.waitForStatus(handle, 'awaiting_review');
      await sendAsserted(handle, 'decide', {
        decision: 'request_resubmission',
        reviewer: 'reviewer-bob',
        reason: 'video too dark',
        resubmission: { items: ['live_video'], reasonCodes: ['live_video_quality', 'other'] },
      });
      return settle(handle);
    },
  },
  {
    // 0.9.0: a senior assigns the case, the assignee renews it and rejects it with reason codes.
    name: 'assigned-then-rejected-with-codes',
    async run(system) {
      const handle = await system.start(await system.seed({ lastName: 'attention' }));
      await system.waitForStatus(handle, 'awaiting_review');
      await sendAssignment(handle, { assignee: 'reviewer-bob', assignedBy: 'senior-carol' });
      await sendAsserted(handle, 'claim', { reviewer: 'reviewer-bob' });
      await sendAsserted(handle, 'decide', {
        decision: 'reject',
        reviewer: 'reviewer-bob',
        reason: 'face does not match',
        reasonCodes: ['face_mismatch', 'other'],
      });
      return settle(handle);
    },
  },
];
