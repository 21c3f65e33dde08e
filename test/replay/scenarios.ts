import type { WorkflowHandle } from '@temporalio/client';
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
      const handle = await system.start(await system.seed({ lastName: 'attention' }));
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
      await handle.executeUpdate('submitReview', {
        args: [{ decision: 'reject', reviewer: 'reviewer-bob', reason: 'face enrolled elsewhere' }],
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
      const handle = await system.start(applicant, { checkTimeout: '3s', pollInterval: '1s', maxPollInterval: '1s' });
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
      await handle.executeUpdate('claimCase', { args: [{ reviewer: 'reviewer-alice', channel: 'console' }] });
      await handle.executeUpdate('submitReview', {
        args: [{ decision: 'approve', reviewer: 'reviewer-alice', reason: 'namesake', channel: 'console' }],
      });
      await handle.signal('reviewDecision', { decision: 'approve', reviewer: 'reviewer-alice', reason: 'again' });
      await handle.signal('reviewDecision', { decision: 'approve', reviewer: 'ops-carol', reason: 'agree' });
      return settle(handle);
    },
  },
  {
    // 0.3.0: a claim released, another reviewer's claim, a rejection by update.
    name: 'claim-released-then-rejected',
    async run(system) {
      const handle = await system.start(await system.seed({ lastName: 'attention' }), { claimLease: '15m' });
      await system.waitForStatus(handle, 'awaiting_review');
      await handle.executeUpdate('claimCase', { args: [{ reviewer: 'reviewer-alice', channel: 'api' }] });
      await handle.executeUpdate('claimCase', { args: [{ reviewer: 'reviewer-alice', channel: 'api' }] });
      await handle.executeUpdate('releaseCase', { args: [{ reviewer: 'reviewer-alice', channel: 'api' }] });
      await handle.executeUpdate('claimCase', { args: [{ reviewer: 'reviewer-bob', channel: 'cli' }] });
      await handle.executeUpdate('submitReview', {
        args: [{ decision: 'reject', reviewer: 'reviewer-bob', reason: 'document forged', channel: 'cli' }],
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
      await handle.executeUpdate('submitReview', {
        args: [{ decision: 'approve', reviewer: 'reviewer-bob', reason: 'verified', channel: 'api' }],
      });
      return settle(handle);
    },
  },
];
