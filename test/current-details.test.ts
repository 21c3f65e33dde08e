import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderCurrentDetails } from '../workflows/current-details';
import {
  DEFAULT_POLICY,
  type Approval,
  type CheckState,
  type OnboardingDecision,
  type OnboardingState,
} from '../workflows/onboarding-contract';

const fraud: CheckState = {
  type: 'identity_fraud_check',
  checkId: 'a'.repeat(24),
  status: 'complete',
  outcome: 'attention',
  attentionAnalyses: ['faceAnalysis.face_match', 'documentAnalysis.document_authenticity'],
};
const enhanced: CheckState = {
  type: 'enhanced_identity_check',
  checkId: 'b'.repeat(24),
  status: 'complete',
  outcome: 'clear',
  attentionAnalyses: [],
};
const REASON = 'Secret free text: the applicant Jane Doe looks different';
const approval = (reviewer: string): Approval => ({
  reviewer,
  channel: 'console',
  asserted: false,
  reason: REASON,
  at: '2026-11-24T09:00:00.000Z',
});

const base = (overrides: Partial<OnboardingState> = {}): OnboardingState => ({
  onboardingId: 'c'.repeat(24),
  workflowId: `onboarding-${'c'.repeat(24)}`,
  runId: 'run-1',
  status: 'checks_running',
  startedAt: '2026-11-24T08:00:00.000Z',
  checks: {
    identity_fraud_check: {
      type: 'identity_fraud_check',
      status: 'pending',
      checkId: 'a'.repeat(24),
      attentionAnalyses: [],
    },
    enhanced_identity_check: { type: 'enhanced_identity_check', status: 'creating', attentionAnalyses: [] },
  },
  policy: DEFAULT_POLICY,
  reviewReasons: [],
  reviews: [],
  refusedReviews: 0,
  ignoredNotices: 0,
  ...overrides,
});
const inReview = (overrides: Partial<OnboardingState> = {}) =>
  base({
    status: 'awaiting_review',
    checks: { identity_fraud_check: fraud, enhanced_identity_check: enhanced },
    reviewReasons: ['identity_fraud_check.attention'],
    reviewOpenedAt: '2026-11-24T08:10:00.000Z',
    reviewEscalatesAt: '2026-11-25T08:10:00.000Z',
    reviewExpiresAt: '2026-12-24T08:10:00.000Z',
    secondApprovalRequired: true,
    ...overrides,
  });
const decided = (decision: Partial<OnboardingDecision>, overrides: Partial<OnboardingState> = {}) => {
  const state = inReview(overrides);
  const record: OnboardingDecision = {
    onboardingId: state.onboardingId,
    workflowId: state.workflowId,
    runId: state.runId,
    decision: 'rejected',
    decidedByKind: 'reviewer',
    decidedBy: 'reviewer-alice',
    reason: REASON,
    reviewReasons: state.reviewReasons,
    checks: Object.values(state.checks),
    startedAt: state.startedAt,
    decidedAt: '2026-11-24T11:30:00.000Z',
    channel: 'console',
    ...decision,
  };
  return { ...state, status: record.decision, decision: record };
};
const lines = (state: OnboardingState) => renderCurrentDetails(state).split('\n\n');
const firstLine = (state: OnboardingState) => lines(state)[0];

describe('current details in the Temporal UI', () => {
  it('states the outcome on the first line, an approval and a rejection marked apart', () => {
    const rejected = firstLine(decided({}));
    const approved = firstLine(decided({ decision: 'approved' }));
    assert.equal(rejected, '**REJECTED** by reviewer-alice (console) · 11-24 11:30Z');
    assert.equal(approved, '**APPROVED** by reviewer-alice (console) · 11-24 11:30Z');
    assert.notEqual(rejected?.split(' ')[0], approved?.split(' ')[0]);
    assert.equal(
      firstLine(
        decided({ decision: 'approved', decidedByKind: 'automatic', decidedBy: 'automatic', channel: undefined }),
      ),
      '**APPROVED** automatically: both checks clear · 11-24 11:30Z',
    );
    assert.equal(
      firstLine(decided({ decidedByKind: 'system', decidedBy: 'system', channel: undefined })),
      '**REJECTED**: the review expired without a decision · 11-24 11:30Z',
    );
    assert.match(
      firstLine(decided({ decision: 'withdrawn', decidedByKind: 'system', channel: undefined }))!,
      /^\*\*WITHDRAWN\*\*/,
    );
  });

  it('names both reviewers of a four-eyes approval, and flags a name asserted by signal', () => {
    const both = decided({
      decision: 'approved',
      decidedBy: 'reviewer-bob',
      channel: 'signal',
      approvals: [approval('reviewer-alice'), { ...approval('reviewer-bob'), channel: 'signal', asserted: true }],
    });
    assert.equal(
      firstLine(both),
      '**APPROVED** by reviewer-alice and reviewer-bob (signal, name asserted) · 11-24 11:30Z',
    );
  });

  it('states what an undecided case waits for on the first line', () => {
    assert.equal(firstLine(base()), '**CHECKS RUNNING**: 0 of 2 done');
    assert.equal(firstLine(inReview()), '**WAITING** for review · SLA 11-25 08:10Z · expires 12-24 08:10Z · 4-eyes');
    assert.equal(
      firstLine(inReview({ status: 'escalated', escalated: true })),
      '**WAITING** for review · past SLA 11-25 08:10Z · expires 12-24 08:10Z · 4-eyes',
    );
    assert.equal(
      firstLine(inReview({ status: 'awaiting_second_approval', firstApproval: approval('reviewer-alice') })),
      '**WAITING** for a second approval (first: reviewer-alice) · SLA 11-25 08:10Z · expires 12-24 08:10Z',
    );
  });

  it('lists the checks and, while in review, the deadlines, the four-eyes rule and the claim', () => {
    const claimed = inReview({
      claim: {
        reviewer: 'reviewer-bob',
        channel: 'console',
        claimedAt: '2026-11-24T09:00:00.000Z',
        expiresAt: '2026-11-24T09:15:00.000Z',
      },
    });
    assert.deepEqual(lines(claimed), [
      '**WAITING** for review · SLA 11-25 08:10Z · expires 12-24 08:10Z · 4-eyes · claimed by reviewer-bob',
      'Fraud: **attention** (face_match, document_authenticity) · Enhanced ID: clear',
    ]);
    assert.deepEqual(lines(decided({})).slice(1), [
      'Fraud: **attention** (face_match, document_authenticity) · Enhanced ID: clear',
    ]);
  });

  it('stays a few short lines, without the reviewers’ reasons or the onboarding’s IDs', () => {
    const states = [
      base(),
      inReview({
        status: 'escalated',
        escalated: true,
        claim: { reviewer: 'r'.repeat(40), channel: 'api', claimedAt: 'x', expiresAt: '2026-11-24T09:15:00.000Z' },
      }),
      decided({ approvals: [approval('reviewer-alice'), approval('reviewer-bob')], decision: 'approved' }),
    ];
    for (const state of states) {
      const text = renderCurrentDetails(state);
      assert.equal(lines(state).length, 2, text);
      for (const line of lines(state)) assert.ok(line.length <= 140, line);
      assert.ok(!text.includes(REASON) && !text.includes('Jane'), text);
      assert.ok(!text.includes('\n\n\n'), text);
    }
  });
});
