import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { openDecisionStore, type DecisionStore } from '../store/decision-store';
import type { OnboardingDecision } from '../workflows/onboarding-contract';
import { TEST_DATABASE_URL } from './helpers/system';

const id = () => randomBytes(12).toString('hex');

function decision(onboardingId: string, runId = id()): OnboardingDecision {
  return {
    onboardingId,
    workflowId: `onboarding-${onboardingId}`,
    runId,
    decision: 'rejected',
    decidedByKind: 'reviewer',
    decidedBy: 'reviewer-alice',
    reason: 'police match',
    reviewReasons: ['identity_fraud_check.attention'],
    checks: [
      {
        type: 'identity_fraud_check',
        checkId: id(),
        status: 'complete',
        outcome: 'attention',
        attentionAnalyses: ['databaseAnalysis.police'],
      },
    ],
    startedAt: '2026-01-01T00:00:00.000Z',
    decidedAt: '2026-01-01T01:00:00.000Z',
  };
}

const backends: [string, () => Promise<DecisionStore>][] = [
  ['embedded (PGlite)', () => openDecisionStore()],
  ['PostgreSQL', () => openDecisionStore({ databaseUrl: TEST_DATABASE_URL })],
];

for (const [name, open] of backends) {
  describe(`decision store: ${name}`, () => {
    it('records a decision once however often it is written', async () => {
      const store = await open();
      try {
        const onboardingId = id();
        const d = decision(onboardingId);
        assert.deepEqual(await store.recordDecision(d), { inserted: true });
        assert.deepEqual(await store.recordDecision(d), { inserted: false });
        const results = await Promise.all(Array.from({ length: 5 }, () => store.recordDecision(d)));
        assert.ok(results.every((r) => !r.inserted));
        const rows = await store.decisionsFor(onboardingId);
        assert.equal(rows.length, 1);
        const { recordedAt, ...row } = rows[0]!;
        assert.deepEqual(row, d);
        assert.ok(!Number.isNaN(Date.parse(recordedAt)));
      } finally {
        await store.close();
      }
    });

    it('keeps one row per run, newest first', async () => {
      const store = await open();
      try {
        const onboardingId = id();
        const first = decision(onboardingId);
        const second = {
          ...decision(onboardingId),
          decision: 'approved' as const,
          decidedAt: '2026-02-01T00:00:00.000Z',
        };
        await store.recordDecision(first);
        await store.recordDecision(second);
        assert.deepEqual(
          (await store.decisionsFor(onboardingId)).map((r) => r.runId),
          [second.runId, first.runId],
        );
      } finally {
        await store.close();
      }
    });

    it('maps checks to runs and remembers handled webhook events', async () => {
      const store = await open();
      try {
        const onboardingId = id();
        const mapping = {
          checkId: id(),
          checkType: 'identity_fraud_check',
          onboardingId,
          workflowId: `onboarding-${onboardingId}`,
          runId: 'run-1',
        };
        await store.recordCheck(mapping);
        await store.recordCheck(mapping);
        assert.deepEqual(await store.findCheck(mapping.checkId), mapping);
        assert.equal(await store.findCheck(id()), undefined);
        assert.deepEqual([...(await store.checkIdsOfOtherRuns(onboardingId, 'run-2'))], [mapping.checkId]);
        assert.equal((await store.checkIdsOfOtherRuns(onboardingId, 'run-1')).size, 0);

        const eventId = id();
        assert.equal(await store.hasWebhookEvent(eventId), false);
        await store.recordWebhookEvent(eventId, 'check.completed');
        await store.recordWebhookEvent(eventId, 'check.completed');
        assert.equal(await store.hasWebhookEvent(eventId), true);
      } finally {
        await store.close();
      }
    });
  });
}

describe('decision store migrations', () => {
  it('are safe to run from several instances at once on PostgreSQL', async () => {
    const stores = await Promise.all(
      Array.from({ length: 6 }, () => openDecisionStore({ databaseUrl: TEST_DATABASE_URL })),
    );
    try {
      await Promise.all(stores.map((store) => store.ping()));
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('create the embedded store in a directory that survives a restart', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'decision-store-'));
    try {
      const onboardingId = id();
      const first = await openDecisionStore({ dataDir: dir });
      await first.recordDecision(decision(onboardingId));
      await first.close();
      const reopened = await openDecisionStore({ dataDir: dir });
      assert.equal((await reopened.decisionsFor(onboardingId)).length, 1);
      await reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('report an unreachable PostgreSQL clearly', async () => {
    await assert.rejects(openDecisionStore({ databaseUrl: 'postgres://postgres@127.0.0.1:1/test' }), /ECONNREFUSED/);
  });
});
