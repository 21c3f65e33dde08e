import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideFromChecks } from '../workflows/decide';
import {
  DEFAULT_POLICY,
  onboardingIdFromWorkflowId,
  onboardingInputSchema,
  onboardingWorkflowId,
  parseDuration,
  resolvePolicy,
  type CheckState,
} from '../workflows/onboarding-contract';

const fraud = (overrides: Partial<CheckState> = {}): CheckState => ({
  type: 'identity_fraud_check',
  checkId: 'a'.repeat(24),
  status: 'complete',
  outcome: 'clear',
  attentionAnalyses: [],
  ...overrides,
});
const enhanced = (overrides: Partial<CheckState> = {}): CheckState => ({
  type: 'enhanced_identity_check',
  checkId: 'b'.repeat(24),
  status: 'complete',
  outcome: 'clear',
  attentionAnalyses: [],
  ...overrides,
});

describe('decideFromChecks', () => {
  it('approves when both checks are complete and clear', () => {
    assert.deepEqual(decideFromChecks([fraud(), enhanced()]), { kind: 'approve' });
  });

  it('sends attention on either check to review, naming the check', () => {
    assert.deepEqual(decideFromChecks([fraud({ outcome: 'attention' }), enhanced()]), {
      kind: 'review',
      reasons: ['identity_fraud_check.attention'],
    });
    assert.deepEqual(decideFromChecks([fraud(), enhanced({ outcome: 'attention' })]), {
      kind: 'review',
      reasons: ['enhanced_identity_check.attention'],
    });
  });

  it('sends failed, timed-out, errored and not-processed checks to review with one reason each', () => {
    assert.deepEqual(
      decideFromChecks([
        fraud({ status: 'failed', outcome: undefined }),
        enhanced({ status: 'timed_out', outcome: undefined }),
      ]),
      { kind: 'review', reasons: ['identity_fraud_check.failed', 'enhanced_identity_check.timed_out'] },
    );
    assert.deepEqual(
      decideFromChecks([fraud({ status: 'error', outcome: undefined }), enhanced({ outcome: 'not_processed' })]),
      {
        kind: 'review',
        reasons: ['identity_fraud_check.error', 'enhanced_identity_check.not_processed'],
      },
    );
  });

  it('never approves a check that is still pending, or no checks at all', () => {
    assert.equal(decideFromChecks([fraud(), enhanced({ status: 'pending', outcome: undefined })]).kind, 'review');
    assert.deepEqual(decideFromChecks([]), { kind: 'review', reasons: ['no_checks'] });
  });
});

describe('the onboarding contract', () => {
  it('maps client IDs to workflow IDs and back', () => {
    const clientId = 'c'.repeat(24);
    assert.equal(onboardingWorkflowId(clientId), `onboarding-${clientId}`);
    assert.equal(onboardingIdFromWorkflowId(onboardingWorkflowId(clientId)), clientId);
    assert.equal(onboardingIdFromWorkflowId('onboarding-nope'), undefined);
    assert.equal(onboardingIdFromWorkflowId('other-workflow'), undefined);
  });

  it('parses durations', () => {
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('30s'), 30_000);
    assert.equal(parseDuration('15m'), 900_000);
    assert.equal(parseDuration('24h'), 86_400_000);
    assert.equal(parseDuration('30d'), 2_592_000_000);
    assert.throws(() => parseDuration('1 week'));
  });

  it('resolves a complete policy from defaults and overrides, refusing an expiry not after the SLA', () => {
    const resolved = resolvePolicy(DEFAULT_POLICY, { reviewSla: '2h', pollInterval: undefined });
    assert.ok(resolved.success);
    assert.deepEqual(resolved.data, {
      checkTimeout: '24h',
      reviewSla: '2h',
      reviewExpiry: '30d',
      pollInterval: '30s',
      maxPollInterval: '30m',
      callTimeout: '30s',
      secondApproval: 'identity_fraud_attention',
      signalDecisions: 'refused',
      secondApproverRoles: ['reviewer', 'senior_reviewer'],
      claimLease: '15m',
      resubmissionDeadline: '14d',
      resubmissionRounds: 2,
    });
    const bad = resolvePolicy(DEFAULT_POLICY, { reviewSla: '2d', reviewExpiry: '1d' });
    assert.equal(bad.success, false);
    assert.deepEqual(bad.success ? [] : bad.error.issues.map((i) => i.path.join('.')), ['reviewExpiry']);
  });

  it('takes inputs with a whole policy, a partial one (runs of 0.1.0) or none, and nothing else', () => {
    const ids = {
      clientId: 'a'.repeat(24),
      addressId: 'b'.repeat(24),
      documentId: 'c'.repeat(24),
      liveVideoId: 'd'.repeat(24),
    };
    assert.deepEqual(onboardingInputSchema.parse({ ...ids, policy: DEFAULT_POLICY }).policy, DEFAULT_POLICY);
    assert.deepEqual(onboardingInputSchema.parse({ ...ids, policy: { reviewSla: '2h' } }).policy, { reviewSla: '2h' });
    assert.equal(onboardingInputSchema.parse(ids).policy, undefined);
    assert.equal(onboardingInputSchema.safeParse({ ...ids, policy: { checkTimeout: '0s' } }).success, false);
    // A malformed duration is refused, not thrown: a throw would fail the workflow task forever.
    assert.equal(onboardingInputSchema.safeParse({ ...ids, policy: { pollInterval: 'soon' } }).success, false);
    assert.equal(onboardingInputSchema.safeParse({ ...ids, policy: { reviewSLA: '1h' } }).success, false);
    assert.equal(onboardingInputSchema.safeParse({ ...ids, extra: 1 }).success, false);
  });
});
