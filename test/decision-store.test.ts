import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Client } from 'pg';
import { openDecisionStore, StoreUnavailableError, type DecisionStore } from '../store/decision-store';
import { MIGRATIONS } from '../store/sql';
import { freshDatabase } from './helpers/database';
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

    it('maps checks to runs', async () => {
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
      } finally {
        await store.close();
      }
    });

    it('lets exactly one of many concurrent deliveries claim a webhook event, and a released one again', async () => {
      const store = await open();
      try {
        const eventId = id();
        const claims = await Promise.all(
          Array.from({ length: 10 }, () => store.claimWebhookEvent(eventId, 'check.completed')),
        );
        assert.deepEqual(
          claims.filter((c) => c === 'claimed'),
          ['claimed'],
        );
        assert.ok(claims.filter((c) => c !== 'claimed').every((c) => c === 'in_progress'));
        await store.releaseWebhookEvent(eventId);
        assert.equal(await store.claimWebhookEvent(eventId, 'check.completed'), 'claimed');
        await store.settleWebhookEvent(eventId, 'handled');
        assert.equal(await store.claimWebhookEvent(eventId, 'check.completed'), 'settled');
        await store.releaseWebhookEvent(eventId);
        assert.equal(await store.claimWebhookEvent(eventId, 'check.completed'), 'settled', 'a settled event stays');
      } finally {
        await store.close();
      }
    });

    it('holds events for a check until its adoption takes them, once', async () => {
      const store = await open();
      try {
        const checkId = id();
        const event = { eventId: id(), checkId, status: 'complete', outcome: 'clear' };
        await store.holdCheckEvent(event);
        await store.holdCheckEvent(event);
        assert.deepEqual(await store.takeHeldCheckEvents(checkId), [event]);
        assert.deepEqual(await store.takeHeldCheckEvents(checkId), []);
      } finally {
        await store.close();
      }
    });

    it('keeps the answer to an idempotency key: replayed for the same request, refused for another', async () => {
      const store = await open();
      try {
        const key = { scope: 'POST /v1/onboardings backend', key: id() };
        const claim = (requestHash: string) => store.claimIdempotencyKey({ ...key, requestHash, retentionMs: 60_000 });
        assert.deepEqual(await claim('hash-a'), { kind: 'claimed' });
        assert.deepEqual(await claim('hash-a'), { kind: 'in_progress' });
        assert.deepEqual(await claim('hash-b'), { kind: 'mismatch' });
        await store.completeIdempotencyKey({ ...key, statusCode: 201, response: { onboardingId: 'x' } });
        assert.deepEqual(await claim('hash-a'), { kind: 'replay', statusCode: 201, response: { onboardingId: 'x' } });
        assert.deepEqual(await claim('hash-b'), { kind: 'mismatch' });
        await store.releaseIdempotencyKey(key);
        assert.equal((await claim('hash-a')).kind, 'replay', 'an answered key is not given back');

        const other = { scope: key.scope, key: id() };
        await store.claimIdempotencyKey({ ...other, requestHash: 'h', retentionMs: 60_000 });
        await store.releaseIdempotencyKey(other);
        assert.deepEqual(await store.claimIdempotencyKey({ ...other, requestHash: 'h2', retentionMs: 60_000 }), {
          kind: 'claimed',
        });
        assert.deepEqual(
          await store.claimIdempotencyKey({ ...key, scope: 'another caller', requestHash: 'z', retentionMs: 1 }),
          {
            kind: 'claimed',
          },
        );
      } finally {
        await store.close();
      }
    });

    it('forgets an idempotency key after its retention', async () => {
      const store = await open();
      try {
        const key = { scope: 'POST /v1/onboardings backend', key: id() };
        await store.claimIdempotencyKey({ ...key, requestHash: 'a', retentionMs: 1 });
        await store.completeIdempotencyKey({ ...key, statusCode: 201, response: {} });
        await new Promise((resolve) => setTimeout(resolve, 20));
        assert.deepEqual(await store.claimIdempotencyKey({ ...key, requestHash: 'b', retentionMs: 60_000 }), {
          kind: 'claimed',
        });
      } finally {
        await store.close();
      }
    });
  });
}

describe('decision store migrations', () => {
  it('are safe to run from several instances at once, on a fresh PostgreSQL database', async () => {
    // A database of its own, so the schema does not exist yet and every instance races to create it.
    const database = await freshDatabase(TEST_DATABASE_URL, 'migrations');
    try {
      const stores = await Promise.all(
        Array.from({ length: 6 }, () => openDecisionStore({ databaseUrl: database.url })),
      );
      try {
        await Promise.all(stores.map((store) => store.ping()));
      } finally {
        await Promise.all(stores.map((store) => store.close()));
      }
      const check = new Client({ connectionString: database.url });
      await check.connect();
      const { rows } = await check.query<{ version: number }>(
        'SELECT version FROM decision_store_migrations ORDER BY 1',
      );
      await check.end();
      assert.deepEqual(
        rows.map((row) => row.version),
        MIGRATIONS.map((_, index) => index + 1),
      );
    } finally {
      await database.drop();
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

  it('report an unreachable PostgreSQL as the store being unavailable', async () => {
    await assert.rejects(
      openDecisionStore({ databaseUrl: 'postgres://postgres@127.0.0.1:1/test' }),
      (error: unknown) => error instanceof StoreUnavailableError,
    );
  });
});
