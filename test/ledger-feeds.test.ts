/**
 * Every store write the regulator's record needs puts one entry on the ledger, in the same
 * transaction, once however often the write is retried: review actions, decisions, checks, a
 * case sent to review (once per run) and security events. No applicant data goes on it.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { openDecisionStore, type DecisionStore } from '../store/decision-store';
import type { OnboardingDecision, ReviewAction, ReviewCase } from '../workflows/onboarding-contract';
import { freshDatabase, type OwnDatabase } from './helpers/database';
import { TEST_DATABASE_URL } from './helpers/system';

const onboardingId = `onb-${randomUUID()}`;
const workflowId = `onboarding-${onboardingId}`;
const runId = 'run-1';

const action: ReviewAction = {
  id: `${runId}:1`,
  onboardingId,
  workflowId,
  runId,
  kind: 'decision',
  actor: 'alice',
  channel: 'console',
  authenticated: true,
  decision: 'reject',
  reason: 'document forged',
  at: '2026-01-01T01:00:00.000Z',
};

const decision: OnboardingDecision = {
  onboardingId,
  workflowId,
  runId,
  decision: 'rejected',
  decidedByKind: 'reviewer',
  decidedBy: 'alice',
  reason: 'document forged',
  reviewReasons: ['identity_fraud_check.attention'],
  checks: [
    {
      type: 'identity_fraud_check',
      checkId: 'chk-1',
      status: 'complete',
      outcome: 'attention',
      attentionAnalyses: ['databaseAnalysis.police'],
    },
  ],
  startedAt: '2026-01-01T00:00:00.000Z',
  decidedAt: '2026-01-01T01:00:00.000Z',
  channel: 'console',
  verified: true,
};

const reviewCase = (version: number, status: ReviewCase['status']): ReviewCase => ({
  onboardingId,
  workflowId,
  runId,
  status,
  reasons: ['identity_fraud_check.attention'],
  openedAt: '2026-01-01T00:10:00.000Z',
  slaDueAt: '2026-01-02T00:10:00.000Z',
  expiresAt: '2026-01-08T00:10:00.000Z',
  secondApprovalRequired: false,
  version,
});

describe('ledger feeds', () => {
  let database: OwnDatabase;
  let store: DecisionStore;
  before(async () => {
    database = await freshDatabase(TEST_DATABASE_URL, 'ledger_feeds');
    store = await openDecisionStore({ databaseUrl: database.url });
  });
  after(async () => {
    await store.close();
    await database.drop();
  });

  it('puts each write on the ledger once, however often it is retried', async () => {
    const check = { checkId: 'chk-1', checkType: 'identity_fraud_check', onboardingId, workflowId, runId };
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await store.recordCheck(check);
      await store.syncReviewCase(reviewCase(1 + attempt * 2, 'awaiting_review'));
      await store.syncReviewCase(reviewCase(2 + attempt * 2, 'escalated'));
      await Promise.all([store.recordReviewAction(action), store.recordReviewAction(action)]);
      await store.recordDecision(decision);
    }
    await store.syncReviewCase(reviewCase(9, 'rejected'));
    const entries = await store.ledgerEntriesFor(onboardingId);
    assert.deepEqual(
      entries.map((e) => [e.kind, e.entryId]),
      [
        ['check_created', 'check:chk-1'],
        ['sent_to_review', `sent_to_review:${workflowId}:${runId}`],
        ['decision', `review_action:${runId}:1`],
        ['decision_recorded', `decision:${workflowId}:${runId}`],
      ],
    );
    const [, sent, reviewed, decided] = entries;
    assert.equal(sent!.body.status, 'awaiting_review');
    assert.deepEqual(
      [reviewed!.actor, reviewed!.channel, reviewed!.body.reason, reviewed!.body.decision],
      ['alice', 'console', 'document forged', 'reject'],
    );
    assert.deepEqual(decided!.body.checks, [
      { type: 'identity_fraud_check', checkId: 'chk-1', status: 'complete', outcome: 'attention' },
    ]);
    assert.equal(JSON.stringify(entries).includes('databaseAnalysis'), false, 'no check detail on the ledger');
    assert.deepEqual(await store.verifyLedger(), { ...(await store.verifyLedger()), ok: true, count: 4 });
  });

  it('records security events with the onboarding an evidence view concerns, never the address', async () => {
    await store.recordSecurityEvent({
      kind: 'evidence_viewed',
      actor: 'bob',
      ip: '203.0.113.9',
      detail: { onboardingId, channel: 'console' },
    });
    await store.recordSecurityEvent({
      kind: 'sign_in',
      actor: 'bob',
      ip: '203.0.113.9',
      detail: { method: 'oidc', roles: ['reviewer'], displayName: 'Bob Example' },
    });
    const head = (await store.ledgerHead())!;
    assert.deepEqual(
      [head.kind, head.actor, head.onboardingId, head.body.roles],
      ['sign_in', 'bob', null, ['reviewer']],
    );
    assert.equal(JSON.stringify(head).includes('Bob Example'), false);
    const viewed = (await store.ledgerEntriesFor(onboardingId)).at(-1)!;
    assert.deepEqual([viewed.kind, viewed.channel], ['evidence_viewed', 'console']);
    assert.equal(JSON.stringify(viewed).includes('203.0.113.9'), false);
  });

  it('writes neither the row nor its entry when the entry cannot be written', async () => {
    const before = (await store.securityEvents({ limit: 1 }))[0]!.id;
    await assert.rejects(
      store.recordSecurityEvent({ kind: 'sign_in_throttled', ip: '203.0.113.9', detail: { retryAfterSeconds: 1.5 } }),
      /not a safe integer/,
    );
    assert.equal((await store.securityEvents({ limit: 1 }))[0]!.id, before);
    assert.equal((await store.verifyLedger()).ok, true);
  });
});
