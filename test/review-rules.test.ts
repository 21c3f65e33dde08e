import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { refusalCodeOf, REVIEW_REFUSALS, type Approval, type CaseClaim } from '../workflows/onboarding-contract';
import {
  claimChange,
  claimRefusal,
  decisionChange,
  decisionRefusal,
  needsSecondApproval,
  releaseRefusal,
  syncRefusal,
  weighClaim,
  weighRelease,
  weighSignalDecision,
  weighUpdateDecision,
  type DeskView,
} from '../workflows/review-rules';
import { REFUSED_REVIEWS_KEPT, refusedActor, reviewEntry, withReviewEntry } from '../workflows/review-history';

const NOW = Date.parse('2026-11-24T10:00:00.000Z');
const at = (offsetMs: number) => new Date(NOW + offsetMs).toISOString();
const anyReviewer = ['reviewer', 'senior_reviewer'] as ('reviewer' | 'senior_reviewer')[];
const accepted = { signalDecisions: 'accepted', secondApproverRoles: anyReviewer, resubmissionRounds: 2 } as const;
const refused = { signalDecisions: 'refused', secondApproverRoles: anyReviewer, resubmissionRounds: 2 } as const;
const seniorsOnly = {
  signalDecisions: 'accepted' as const,
  secondApproverRoles: ['senior_reviewer' as const],
  resubmissionRounds: 2,
};
/** The shape of an assertion: the validator checks only that; the handler's local activity verifies it. */
const ASSERTION = 'eyJhbGciOiJIUzI1NiJ9.e30.c2ln';

const claimBy = (reviewer: string, expiresInMs = 60_000): CaseClaim => ({
  reviewer,
  channel: 'console',
  claimedAt: at(-60_000),
  expiresAt: at(expiresInMs),
});
const approvalBy = (reviewer: string): Approval => ({
  reviewer,
  channel: 'api',
  asserted: false,
  reason: 'documents match',
  at: at(-3_600_000),
});
const onDesk = (overrides: Partial<DeskView> = {}): DeskView => ({
  status: 'awaiting_review',
  decided: false,
  ...overrides,
});
const decision = (reviewer: string, verdict: 'approve' | 'reject' = 'approve', channel = 'api' as const) => ({
  reviewer,
  decision: verdict,
  channel,
});

describe('review rules: decisions', () => {
  it('accepts a decision on a case waiting for review, escalated, or waiting for its second approval', () => {
    for (const status of ['awaiting_review', 'escalated', 'awaiting_second_approval'] as const) {
      assert.equal(decisionRefusal(onDesk({ status }), decision('alice'), accepted, NOW), undefined, status);
      assert.equal(decisionRefusal(onDesk({ status }), decision('alice', 'reject'), accepted, NOW), undefined, status);
    }
  });

  it('refuses decisions by signal when the policy says so, but not by Update', () => {
    const bySignal = { ...decision('alice'), channel: 'signal' as const };
    assert.equal(decisionRefusal(onDesk(), bySignal, refused, NOW), 'signal_decisions_refused');
    assert.equal(decisionRefusal(onDesk(), bySignal, accepted, NOW), undefined);
    for (const channel of ['api', 'console', 'cli'] as const) {
      assert.equal(decisionRefusal(onDesk(), { ...decision('alice'), channel }, refused, NOW), undefined, channel);
    }
  });

  it('refuses a decision once a decision is taken or the case is final', () => {
    assert.equal(decisionRefusal(onDesk({ decided: true }), decision('alice'), accepted, NOW), 'already_decided');
    for (const status of ['approved', 'rejected', 'withdrawn'] as const) {
      assert.equal(decisionRefusal(onDesk({ status }), decision('alice'), accepted, NOW), 'already_decided', status);
    }
  });

  it('refuses a decision while the checks are running', () => {
    assert.equal(
      decisionRefusal(onDesk({ status: 'checks_running' }), decision('alice'), accepted, NOW),
      'review_not_due',
    );
  });

  it("refuses another reviewer's decision while a claim holds, and accepts it once the claim lapses", () => {
    assert.equal(
      decisionRefusal(onDesk({ claim: claimBy('bob') }), decision('alice'), accepted, NOW),
      'claimed_by_other',
    );
    assert.equal(decisionRefusal(onDesk({ claim: claimBy('alice') }), decision('alice'), accepted, NOW), undefined);
    assert.equal(decisionRefusal(onDesk({ claim: claimBy('bob', 0) }), decision('alice'), accepted, NOW), undefined);
    assert.equal(decisionRefusal(onDesk({ claim: claimBy('bob', -1) }), decision('alice'), accepted, NOW), undefined);
    assert.equal(
      decisionRefusal(onDesk({ claim: claimBy('bob', 1) }), decision('alice'), accepted, NOW),
      'claimed_by_other',
    );
  });

  it('refuses a second approval from the first approver, but lets them reject and others approve', () => {
    const waiting = onDesk({ status: 'awaiting_second_approval', firstApproval: approvalBy('alice') });
    assert.equal(decisionRefusal(waiting, decision('alice'), accepted, NOW), 'second_approval_by_same_reviewer');
    assert.equal(decisionRefusal(waiting, decision('alice', 'reject'), accepted, NOW), undefined);
    assert.equal(decisionRefusal(waiting, decision('bob'), accepted, NOW), undefined);
  });

  it('names the first rule broken: signals, then decided, then due, then claim, then four-eyes', () => {
    const everything = onDesk({ status: 'approved', decided: true, claim: claimBy('bob') });
    const bySignal = { ...decision('alice'), channel: 'signal' as const };
    assert.equal(decisionRefusal(everything, bySignal, refused, NOW), 'signal_decisions_refused');
    assert.equal(decisionRefusal(everything, bySignal, accepted, NOW), 'already_decided');
    const claimedAndSame = onDesk({
      status: 'checks_running',
      claim: claimBy('bob'),
      firstApproval: approvalBy('alice'),
    });
    assert.equal(decisionRefusal(claimedAndSame, decision('alice'), accepted, NOW), 'review_not_due');
    assert.equal(
      decisionRefusal({ ...claimedAndSame, status: 'awaiting_second_approval' }, decision('alice'), accepted, NOW),
      'claimed_by_other',
    );
  });
});

describe('review rules: resubmission requests', () => {
  const ask = (reviewer: string) => ({ reviewer, decision: 'request_resubmission' as const, channel: 'api' as const });

  it('takes a request on the desk, under the claim rules, without four-eyes, while rounds are left', () => {
    const firstApproved = onDesk({
      status: 'awaiting_second_approval',
      secondApprovalRequired: true,
      firstApproval: approvalBy('bob'),
    });
    assert.equal(decisionRefusal(onDesk(), ask('alice'), accepted, NOW), undefined);
    assert.equal(decisionRefusal(firstApproved, ask('bob'), accepted, NOW), undefined, 'not a second approval');
    assert.equal(decisionRefusal(onDesk({ claim: claimBy('bob') }), ask('alice'), accepted, NOW), 'claimed_by_other');
    assert.equal(decisionRefusal(onDesk({ resubmissionRounds: 1 }), ask('alice'), accepted, NOW), undefined);
    assert.equal(
      decisionRefusal(onDesk({ resubmissionRounds: 2 }), ask('alice'), accepted, NOW),
      'resubmission_rounds_exhausted',
    );
    assert.equal(
      decisionRefusal(onDesk(), ask('alice'), { ...accepted, resubmissionRounds: 0 }, NOW),
      'resubmission_rounds_exhausted',
    );
  });

  it('refuses a request once the round of review has ended, its outcome still being recorded', () => {
    assert.equal(decisionRefusal(onDesk({ closed: true }), ask('alice'), accepted, NOW), 'already_decided');
    assert.equal(
      decisionRefusal(onDesk({ status: 'awaiting_resubmission' }), ask('alice'), accepted, NOW),
      'review_not_due',
    );
    assert.equal(decisionRefusal(onDesk({ status: 'expired' }), ask('alice'), accepted, NOW), 'already_decided');
  });
});

describe('review rules: four-eyes', () => {
  const fraud = (outcome: 'clear' | 'attention') => ({
    identity_fraud_check: {
      type: 'identity_fraud_check' as const,
      status: 'complete' as const,
      outcome,
      attentionAnalyses: [],
    },
  });
  it('takes two reviewers for every review, for a fraud check needing attention, or never, as the policy says', () => {
    assert.equal(needsSecondApproval({ secondApproval: 'any_review' }, fraud('clear')), true);
    assert.equal(needsSecondApproval({ secondApproval: 'identity_fraud_attention' }, fraud('attention')), true);
    assert.equal(needsSecondApproval({ secondApproval: 'identity_fraud_attention' }, fraud('clear')), false);
    assert.equal(needsSecondApproval({ secondApproval: 'never' }, fraud('attention')), false);
  });
});

describe('review rules: four-eyes by two verified reviewers (0.5.0)', () => {
  const verified = (roles: string[] = ['reviewer']) => ({ verified: true, roles });
  const asserted = { verified: false };
  const fourEyes = onDesk({ secondApprovalRequired: true });
  const afterFirst = (first: Approval) => ({
    ...fourEyes,
    status: 'awaiting_second_approval' as const,
    firstApproval: first,
  });
  const signalApproval: Approval = { ...approvalBy('alice'), channel: 'signal', asserted: true };

  it('never lets an approval by signal count as one of two, while it may still reject or decide a one-reviewer case', () => {
    const bySignal = (reviewer: string, verdict: 'approve' | 'reject' = 'approve') => ({
      ...decision(reviewer, verdict, 'signal' as never),
      identity: asserted,
    });
    assert.equal(decisionRefusal(fourEyes, bySignal('alice'), accepted, NOW), 'verified_approvals_required');
    assert.equal(
      decisionRefusal(afterFirst(approvalBy('alice')), bySignal('bob'), accepted, NOW),
      'verified_approvals_required',
    );
    assert.equal(decisionRefusal(fourEyes, bySignal('alice', 'reject'), accepted, NOW), undefined);
    assert.equal(decisionRefusal(onDesk(), bySignal('alice'), accepted, NOW), undefined);
    assert.equal(
      weighSignalDecision(fourEyes, { decision: 'approve', reviewer: 'a', reason: 'b' }, accepted, NOW).accepted,
      false,
    );
    // Replayed past a point decided before 0.5.0, the old rule stands.
    assert.equal(
      weighSignalDecision(fourEyes, { decision: 'approve', reviewer: 'a', reason: 'b' }, accepted, NOW, false).accepted,
      true,
    );
  });

  it('takes the second approval only from a different verified subject in a role the policy names', () => {
    const by = (reviewer: string, roles?: string[]) => ({
      ...decision(reviewer),
      identity: { verified: true, ...(roles ? { roles } : {}) },
    });
    const waiting = afterFirst({ ...approvalBy('alice'), verified: true, roles: ['reviewer'] });
    assert.equal(
      decisionRefusal(waiting, by('alice', ['senior_reviewer']), accepted, NOW),
      'second_approval_by_same_reviewer',
    );
    assert.equal(decisionRefusal(waiting, by('bob', ['reviewer']), accepted, NOW), undefined);
    assert.equal(decisionRefusal(waiting, by('bob', ['reviewer']), seniorsOnly, NOW), 'second_approver_role_required');
    assert.equal(decisionRefusal(waiting, by('bob', ['senior_reviewer']), seniorsOnly, NOW), undefined);
    assert.equal(decisionRefusal(waiting, by('bob', []), accepted, NOW), 'second_approver_role_required');
    // The validator does not know the roles yet: the handler weighs them once the assertion is verified.
    assert.equal(decisionRefusal(waiting, by('bob'), seniorsOnly, NOW), undefined);
    // Any role may give the first approval.
    assert.equal(decisionRefusal(fourEyes, by('alice', ['reviewer']), seniorsOnly, NOW), undefined);
  });

  it('counts a verified approval after an asserted first one as the first of two, not the second', () => {
    const change = decisionChange(
      afterFirst(signalApproval),
      { decision: 'approve', reviewer: 'bob', reason: 'ok' },
      'console',
      NOW,
      verified(),
    );
    assert.deepEqual(change, {
      kind: 'first_approval',
      approval: {
        reviewer: 'bob',
        channel: 'console',
        asserted: false,
        verified: true,
        roles: ['reviewer'],
        reason: 'ok',
        at: at(0),
      },
    });
    // Even its own author may then approve again: the asserted approval was never theirs on the record.
    assert.equal(
      decisionRefusal(afterFirst(signalApproval), { ...decision('alice'), identity: verified() }, accepted, NOW),
      undefined,
    );
    // Before 0.5.0 (replay), it was the second.
    assert.equal(
      decisionChange(afterFirst(signalApproval), { decision: 'approve', reviewer: 'bob', reason: 'ok' }, 'console', NOW)
        .kind,
      'final',
    );
  });

  it('ends the review with two verified approvals on the record, and marks the decision verified', () => {
    const first: Approval = { ...approvalBy('alice'), verified: true, roles: ['reviewer'] };
    const change = decisionChange(
      afterFirst(first),
      { decision: 'approve', reviewer: 'bob', reason: 'agreed' },
      'api',
      NOW,
      verified(['senior_reviewer']),
    );
    assert.equal(change.kind, 'final');
    if (change.kind !== 'final') return;
    assert.equal(change.final.verified, true);
    assert.equal(change.final.asserted, false);
    assert.deepEqual(
      change.final.approvals.map((a) => [a.reviewer, a.verified]),
      [
        ['alice', true],
        ['bob', true],
      ],
    );
  });
});

describe('review rules: claims, releases and queue syncs', () => {
  it('lets a reviewer claim a free case, renew their own claim, or take over a lapsed one', () => {
    assert.equal(claimRefusal(onDesk(), 'alice', NOW), undefined);
    assert.equal(claimRefusal(onDesk({ claim: claimBy('alice') }), 'alice', NOW), undefined);
    assert.equal(claimRefusal(onDesk({ claim: claimBy('bob', 0) }), 'alice', NOW), undefined);
    assert.equal(claimRefusal(onDesk({ status: 'awaiting_second_approval' }), 'alice', NOW), undefined);
  });

  it("refuses a claim on a decided case, a case not on the desk, or another reviewer's case", () => {
    assert.equal(claimRefusal(onDesk({ decided: true }), 'alice', NOW), 'already_decided');
    assert.equal(claimRefusal(onDesk({ status: 'rejected' }), 'alice', NOW), 'already_decided');
    assert.equal(claimRefusal(onDesk({ status: 'checks_running' }), 'alice', NOW), 'review_not_due');
    assert.equal(claimRefusal(onDesk({ claim: claimBy('bob') }), 'alice', NOW), 'claimed_by_other');
  });

  it('lets only the holder of a claim that still holds release it', () => {
    assert.equal(releaseRefusal(onDesk({ claim: claimBy('alice') }), 'alice', NOW), undefined);
    assert.equal(releaseRefusal(onDesk(), 'alice', NOW), 'not_claimed_by_you');
    assert.equal(releaseRefusal(onDesk({ claim: claimBy('bob') }), 'alice', NOW), 'not_claimed_by_you');
    assert.equal(releaseRefusal(onDesk({ claim: claimBy('alice', 0) }), 'alice', NOW), 'not_claimed_by_you');
  });

  it('writes the queue again only for a case on the desk and not yet decided', () => {
    for (const status of ['awaiting_review', 'escalated', 'awaiting_second_approval'] as const) {
      assert.equal(syncRefusal(onDesk({ status })), undefined, status);
    }
    assert.equal(syncRefusal(onDesk({ decided: true })), 'review_not_due');
    for (const status of ['checks_running', 'approved', 'rejected', 'withdrawn'] as const) {
      assert.equal(syncRefusal(onDesk({ status })), 'review_not_due', status);
    }
  });
});

describe('review rules: weighing raw messages', () => {
  it('refuses a malformed message with invalid_payload and what was wrong, as the Update failure says it', () => {
    const badDecision = weighSignalDecision(onDesk(), { decision: 'maybe', reviewer: 'a', reason: 'b' }, accepted, NOW);
    assert.deepEqual(badDecision, {
      accepted: false,
      refusal: 'invalid_payload',
      message: 'invalid_payload: decision: Invalid option: expected one of "approve"|"reject"',
    });
    assert.deepEqual(weighSignalDecision(onDesk(), 'approve', accepted, NOW), {
      accepted: false,
      refusal: 'invalid_payload',
      message: 'invalid_payload: (root): Invalid input: expected object, received string',
    });
    const extra = { decision: 'approve', reviewer: 'a', reason: 'b', assertion: ASSERTION, extra: 1 };
    assert.deepEqual(weighUpdateDecision(onDesk(), extra, accepted, NOW), {
      accepted: false,
      refusal: 'invalid_payload',
      message: 'invalid_payload: (root): Unrecognized key: "extra"',
    });
    assert.deepEqual(weighClaim(onDesk(), { reviewer: ' ' }, NOW), {
      accepted: false,
      refusal: 'invalid_payload',
      message:
        'invalid_payload: reviewer: Too small: expected string to have >=1 characters; channel: Invalid option: expected one of "console"|"api"|"cli"',
    });
    assert.equal(weighRelease(onDesk(), {}, NOW).accepted, false);
  });

  it('refuses a well-formed message with the bare code, which the contract knows and explains', () => {
    const verdicts = [
      weighSignalDecision(
        onDesk({ decided: true }),
        { decision: 'approve', reviewer: 'a', reason: 'b' },
        accepted,
        NOW,
      ),
      weighUpdateDecision(
        onDesk({ status: 'checks_running' }),
        { decision: 'reject', reviewer: 'a', reason: 'b', assertion: ASSERTION },
        accepted,
        NOW,
      ),
      weighClaim(onDesk({ claim: claimBy('bob') }), { reviewer: 'alice', channel: 'cli', assertion: ASSERTION }, NOW),
      weighRelease(onDesk(), { reviewer: 'alice', channel: 'console', assertion: ASSERTION }, NOW),
    ];
    assert.deepEqual(
      verdicts.map((v) => (v.accepted ? 'accepted' : [v.refusal, v.message])),
      [
        ['already_decided', 'already_decided'],
        ['review_not_due', 'review_not_due'],
        ['claimed_by_other', 'claimed_by_other'],
        ['not_claimed_by_you', 'not_claimed_by_you'],
      ],
    );
    for (const v of verdicts) if (!v.accepted) assert.ok(v.refusal in REVIEW_REFUSALS && refusalCodeOf(v.message));
  });

  it('weighs a signal as a signal (the policy may refuse it) and an Update by its channel, api by default', () => {
    const raw = { decision: 'approve', reviewer: 'alice', reason: 'ok' };
    assert.deepEqual(weighSignalDecision(onDesk(), raw, refused, NOW), {
      accepted: false,
      refusal: 'signal_decisions_refused',
      message: 'signal_decisions_refused',
    });
    assert.deepEqual(weighSignalDecision(onDesk(), raw, accepted, NOW), { accepted: true, value: raw });
    assert.deepEqual(weighUpdateDecision(onDesk(), { ...raw, assertion: ASSERTION }, refused, NOW), {
      accepted: true,
      value: { ...raw, assertion: ASSERTION, channel: 'api' },
    });
    assert.deepEqual(weighClaim(onDesk(), { reviewer: ' alice ', channel: 'cli', assertion: ASSERTION }, NOW), {
      accepted: true,
      value: { reviewer: 'alice', channel: 'cli', assertion: ASSERTION },
    });
  });

  it('refuses every Update that carries no assertion of who sent it, whatever channel it names', () => {
    const unsigned = [
      weighUpdateDecision(
        onDesk(),
        { decision: 'approve', reviewer: 'alice', reason: 'ok', channel: 'console' },
        accepted,
        NOW,
      ),
      weighClaim(onDesk(), { reviewer: 'alice', channel: 'console' }, NOW),
      weighRelease(onDesk({ claim: claimBy('alice') }), { reviewer: 'alice', channel: 'console' }, NOW),
    ];
    for (const verdict of unsigned) assert.equal(!verdict.accepted && verdict.refusal, 'assertion_required');
    const notAJws = weighClaim(onDesk(), { reviewer: 'alice', channel: 'console', assertion: 'alice' }, NOW);
    assert.equal(!notAJws.accepted && notAJws.refusal, 'invalid_payload');
  });
});

describe('review rules: the changes an accepted message makes', () => {
  it('claims a free case for the lease from now, and renews its holder keeping when it was taken', () => {
    const lease = 15 * 60_000;
    assert.deepEqual(claimChange(onDesk(), { reviewer: 'alice', channel: 'cli' }, lease, NOW), {
      renewed: false,
      claim: { reviewer: 'alice', channel: 'cli', claimedAt: at(0), expiresAt: at(lease) },
    });
    const renewal = claimChange(onDesk({ claim: claimBy('alice') }), { reviewer: 'alice', channel: 'api' }, lease, NOW);
    assert.deepEqual(renewal, {
      renewed: true,
      claim: { reviewer: 'alice', channel: 'api', claimedAt: at(-60_000), expiresAt: at(lease) },
    });
    const takeover = claimChange(
      onDesk({ claim: claimBy('bob', 0) }),
      { reviewer: 'alice', channel: 'cli' },
      lease,
      NOW,
    );
    assert.equal(takeover.renewed, false);
    assert.equal(takeover.claim.claimedAt, at(0));
  });

  it('ends the review with one approval when the case needs one reviewer', () => {
    assert.deepEqual(decisionChange(onDesk(), { decision: 'approve', reviewer: 'alice', reason: 'ok' }, 'api', NOW), {
      kind: 'final',
      final: {
        decision: 'approve',
        reviewer: 'alice',
        reason: 'ok',
        channel: 'api',
        asserted: false,
        approvals: [{ reviewer: 'alice', channel: 'api', asserted: false, reason: 'ok', at: at(0) }],
      },
    });
  });

  it('takes a first approval when the case needs two reviewers, then ends it with both on the record', () => {
    const fourEyes = onDesk({ secondApprovalRequired: true });
    const first = decisionChange(fourEyes, { decision: 'approve', reviewer: 'alice', reason: 'ok' }, 'signal', NOW);
    assert.deepEqual(first, {
      kind: 'first_approval',
      approval: { reviewer: 'alice', channel: 'signal', asserted: true, reason: 'ok', at: at(0) },
    });
    const second = decisionChange(
      { ...fourEyes, status: 'awaiting_second_approval', firstApproval: approvalBy('alice') },
      { decision: 'approve', reviewer: 'bob', reason: 'agreed' },
      'console',
      NOW,
    );
    assert.equal(second.kind, 'final');
    assert.deepEqual(second.kind === 'final' && second.final.approvals.map((a) => a.reviewer), ['alice', 'bob']);
  });

  it('ends the review at once with a rejection, even when an approval takes two reviewers', () => {
    const rejected = decisionChange(
      onDesk({ secondApprovalRequired: true }),
      { decision: 'reject', reviewer: 'alice', reason: 'mismatch' },
      'signal',
      NOW,
    );
    assert.deepEqual(rejected, {
      kind: 'final',
      final: {
        decision: 'reject',
        reviewer: 'alice',
        reason: 'mismatch',
        channel: 'signal',
        asserted: true,
        approvals: [],
      },
    });
    const afterFirst = decisionChange(
      onDesk({ secondApprovalRequired: true, firstApproval: approvalBy('alice') }),
      { decision: 'reject', reviewer: 'bob', reason: 'mismatch' },
      'api',
      NOW,
    );
    assert.deepEqual(afterFirst.kind === 'final' && afterFirst.final.approvals, [approvalBy('alice')]);
  });
});

describe('review rules: the history of review messages', () => {
  it('keeps each message with its string fields clipped and, when refused, why', () => {
    const long = { decision: 'x'.repeat(30), reviewer: 'r'.repeat(300), reason: 'y'.repeat(3000), extra: 'dropped' };
    assert.deepEqual(reviewEntry(long, 'signal', 'invalid_payload: decision: nope', NOW), {
      at: at(0),
      via: 'signal',
      accepted: false,
      decision: 'x'.repeat(20),
      reviewer: 'r'.repeat(200),
      reason: 'y'.repeat(2000),
      rejection: 'invalid_payload: decision: nope',
    });
    assert.deepEqual(reviewEntry('garbage', 'update', undefined, NOW), { at: at(0), via: 'update', accepted: true });
    assert.deepEqual(reviewEntry({ reviewer: 7 }, 'signal', undefined, NOW), {
      at: at(0),
      via: 'signal',
      accepted: true,
    });
  });

  it('keeps every accepted message but only the newest refused ones', () => {
    let reviews = withReviewEntry([], reviewEntry({ reviewer: 'first' }, 'update', undefined, NOW));
    for (let i = 0; i < REFUSED_REVIEWS_KEPT + 3; i += 1) {
      reviews = withReviewEntry(reviews, reviewEntry({ reviewer: `bad-${i}` }, 'signal', 'review_not_due', NOW));
    }
    reviews = withReviewEntry(reviews, reviewEntry({ reviewer: 'last' }, 'update', undefined, NOW));
    assert.equal(reviews.filter((r) => !r.accepted).length, REFUSED_REVIEWS_KEPT);
    assert.deepEqual(
      reviews.map((r) => r.reviewer),
      ['first', ...Array.from({ length: REFUSED_REVIEWS_KEPT }, (_, i) => `bad-${i + 3}`), 'last'],
    );
  });

  it('names a refused signal by the reviewer it claims, or as unnamed', () => {
    assert.equal(refusedActor({ reviewer: 'alice' }), 'alice');
    assert.equal(refusedActor({ reviewer: 'a'.repeat(250) }), 'a'.repeat(200));
    assert.equal(refusedActor({ reviewer: 42 }), '(unnamed)');
    assert.equal(refusedActor(null), '(unnamed)');
  });
});
