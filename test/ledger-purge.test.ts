/**
 * The retention purge (`npm run ledger -- purge`, docs/ledger.md), run as an operator runs it:
 * only cases whose relationship ended before the retention lose their content; the purge is on
 * the chain; the chain and an earlier signed checkpoint still verify; and a "purge" the chain does
 * not record — an owner emptying an entry to hide what it said — is caught.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { ensureAppRole } from '../store/app-role';
import { openDecisionStore, type DecisionStore, type LedgerEntry } from '../store/decision-store';
import { verifyCaseRecord } from '../store/ledger-record';
import { devSigningKey } from '../store/ledger-signing-key';
import { postgres } from '../store/sql';
import type { OnboardingDecision } from '../workflows/onboarding-contract';
import { freshDatabase, type OwnDatabase } from './helpers/database';
import { asOwner, runLedgerCli } from './helpers/ledger';
import { TEST_DATABASE_URL } from './helpers/system';

const REASON = 'Police record match confirmed';

function decision(onboardingId: string, verdict: 'approved' | 'rejected', decidedAt: string): OnboardingDecision {
  return {
    onboardingId,
    workflowId: `onboarding-${onboardingId}`,
    runId: `run-${onboardingId}`,
    decision: verdict,
    decidedByKind: 'reviewer',
    decidedBy: 'alice',
    reason: REASON,
    reviewReasons: ['identity_fraud_check.attention'],
    checks: [],
    startedAt: decidedAt,
    decidedAt,
  };
}

const started = (onboardingId: string, at: string) => ({
  entryId: `started:${onboardingId}:${at}`,
  onboardingId,
  runId: null,
  kind: 'started' as const,
  actor: 'backend',
  channel: 'api',
  at,
  body: { workflowId: `onboarding-${onboardingId}` },
});

describe('the retention purge', () => {
  let database: OwnDatabase;
  let store: DecisionStore;
  let dir: string;
  let env: Record<string, string>;

  before(async () => {
    database = await freshDatabase(TEST_DATABASE_URL, 'ledger_purge');
    store = await openDecisionStore({ databaseUrl: database.url, poolMax: 2 });
    dir = mkdtempSync(path.join(tmpdir(), 'ledger-purge-'));
    env = {
      DATABASE_URL: database.url,
      LEDGER_CHECKPOINT_DIR: path.join(dir, 'checkpoints'),
      LEDGER_SIGNING_KEY: devSigningKey(dir),
    };
    // rejected-2019: rejected 7 years ago, ended then. approved-2019: approved, account still open.
    // closed-2019: approved, account closed in 2019. rejected-now: rejected today. restarted: rejected
    // in 2019, started again and still running.
    await store.appendLedgerEntry(started('rejected-2019', '2019-01-01T00:00:00.000Z'));
    await store.appendLedgerEntry(started('approved-2019', '2019-01-01T00:01:00.000Z'));
    await store.appendLedgerEntry(started('closed-2019', '2019-01-01T00:02:00.000Z'));
    await store.recordDecision(decision('rejected-2019', 'rejected', '2019-01-02T00:00:00.000Z'));
    await store.recordDecision(decision('approved-2019', 'approved', '2019-01-02T00:01:00.000Z'));
    await store.recordDecision(decision('closed-2019', 'approved', '2019-01-02T00:02:00.000Z'));
    await store.appendLedgerEntry(started('restarted', '2019-01-03T00:00:00.000Z'));
    await store.recordDecision({ ...decision('restarted', 'rejected', '2019-01-04T00:00:00.000Z'), runId: 'r1' });
    await store.appendLedgerEntry(started('restarted', '2019-02-01T00:00:00.000Z'));
    const closed = await store.recordRelationshipEnd({
      onboardingId: 'closed-2019',
      actor: 'backend',
      endedAt: '2019-06-01T00:00:00.000Z',
    });
    assert.ok(closed.ok);
    await store.appendLedgerEntry(started('rejected-now', new Date().toISOString()));
    await store.recordDecision(decision('rejected-now', 'rejected', new Date().toISOString()));
  });

  after(async () => {
    await store?.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records a relationship end once, and only for an approved case', async () => {
    const again = await store.recordRelationshipEnd({
      onboardingId: 'closed-2019',
      actor: 'backend',
      endedAt: '2020-01-01T00:00:00.000Z',
    });
    assert.ok(again.ok);
    assert.equal(again.entry.at, '2019-06-01T00:00:00.000Z', 'the first end recorded stands');
    assert.deepEqual(
      await store.recordRelationshipEnd({
        onboardingId: 'rejected-2019',
        actor: 'b',
        endedAt: new Date().toISOString(),
      }),
      { ok: false, problem: 'not_approved' },
    );
    assert.deepEqual(
      await store.recordRelationshipEnd({ onboardingId: 'nobody', actor: 'b', endedAt: new Date().toISOString() }),
      { ok: false, problem: 'not_found' },
    );
  });

  it('refuses a cutoff inside the retention, and a dry run changes nothing', async () => {
    const inside = await runLedgerCli(['purge', '--before', '2025-01-01T00:00:00Z'], env);
    assert.equal(inside.code, 2, inside.stderr);
    assert.match(inside.stderr, /inside the retention of 5 years \(LEDGER_RETENTION_YEARS\)/);
    const head = await store.ledgerHead();
    const dry = await runLedgerCli(['purge', '--dry-run'], env);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^2 cases ended before /m);
    assert.deepEqual(await store.ledgerHead(), head);
  });

  it('leaves the purge to the owner: as the application role it changes nothing and says why', async () => {
    const role = `kyc_app_${randomBytes(4).toString('hex')}`;
    const sql = postgres(database.url, 1);
    try {
      await ensureAppRole(sql, { name: role });
    } finally {
      await sql.close();
    }
    const url = new URL(database.url);
    url.username = role;
    const head = await store.ledgerHead();
    try {
      const refused = await runLedgerCli(['purge'], { ...env, DATABASE_URL: url.toString() });
      assert.equal(refused.code, 1, refused.stderr);
      assert.match(
        refused.stderr,
        /permission denied: run the purge with a DATABASE_URL that names the database owner/,
      );
      assert.deepEqual(await store.ledgerHead(), head, 'not even the purge entry stays');
    } finally {
      await asOwner(database.url, [[`DROP OWNED BY ${role}`], [`DROP ROLE IF EXISTS ${role}`]]);
    }
  });

  it('empties the bodies of ended cases only, records the purge, and the chain and checkpoint still verify', async () => {
    const checkpoint = await runLedgerCli(['checkpoint'], env);
    assert.equal(checkpoint.code, 0, checkpoint.stderr);
    const before = new Map<string, LedgerEntry[]>();
    for (const id of ['rejected-2019', 'approved-2019', 'closed-2019', 'restarted', 'rejected-now']) {
      before.set(id, await store.ledgerEntriesFor(id));
    }

    const purge = await runLedgerCli(['purge', '--actor', 'dpo-carol'], env);
    assert.equal(purge.code, 0, purge.stderr);
    const recorded = /purged 2 cases, (\d+) entries: recorded at seq (\d+)/.exec(purge.stdout);
    assert.ok(recorded, purge.stdout);
    const purgeSeq = Number(recorded[2]);

    const entry = (await store.ledgerEntryAt(purgeSeq))!;
    assert.equal(entry.kind, 'ledger_purged');
    assert.equal(entry.actor, 'dpo-carol');
    const purgedIds = ['rejected-2019', 'closed-2019'];
    assert.deepEqual(entry.body.onboardingIds, purgedIds);
    const expectedSeqs = purgedIds.flatMap((id) => before.get(id)!.map((e) => e.seq)).sort((a, b) => a - b);
    assert.deepEqual(entry.body.seqs, expectedSeqs);
    assert.equal(Number(recorded[1]), expectedSeqs.length);

    for (const id of purgedIds) {
      const after = await store.ledgerEntriesFor(id);
      assert.deepEqual(
        after.map((e) => [e.seq, e.kind, e.actor, e.at, e.prevHash, e.hash, e.body, e.purgedBy]),
        before.get(id)!.map((e) => [e.seq, e.kind, e.actor, e.at, e.prevHash, e.hash, {}, purgeSeq]),
      );
      assert.deepEqual(verifyCaseRecord({ onboardingId: id, entries: after }), { ok: true, count: after.length });
      assert.deepEqual(await store.decisionsFor(id), [], 'the decision row, with its reason, is gone');
    }
    for (const id of ['approved-2019', 'restarted', 'rejected-now']) {
      assert.deepEqual(await store.ledgerEntriesFor(id), before.get(id), `${id} is untouched`);
      assert.ok((await store.decisionsFor(id)).length > 0);
    }
    const text = JSON.stringify(await Promise.all(purgedIds.map((id) => store.ledgerEntriesFor(id))));
    assert.ok(!text.includes(REASON));

    const verify = await runLedgerCli(['verify', '--page-size', '3'], env);
    assert.equal(verify.code, 0, verify.stderr);
    assert.match(verify.stdout, /checkpoints verified: 2/);
    for (let fromSeq = 1; fromSeq <= purgeSeq; fromSeq += 4) {
      assert.equal((await store.verifyLedgerPage({ fromSeq, limit: 4 })).ok, true, `page from ${fromSeq}`);
    }

    const again = await runLedgerCli(['purge'], env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^0 cases ended before /m);
  });

  it('catches an entry emptied as if purged when no purge on the chain lists it', async () => {
    const [victim] = await store.ledgerEntriesFor('approved-2019');
    const purge = (await store.ledgerHead())!;
    const original = await client(database.url, (c) =>
      c.query('SELECT body, purged_by FROM ledger_entries WHERE seq = $1', [victim!.seq]),
    );
    for (const purgedBy of [purge.seq, purge.seq + 50]) {
      await asOwner(database.url, [
        ["SET kyc.ledger_break_glass = 'on'"],
        [`UPDATE ledger_entries SET body = '{}', purged_by = $1 WHERE seq = $2`, [purgedBy, victim!.seq]],
      ]);
      const verify = await runLedgerCli(['verify'], env);
      assert.equal(verify.code, 1, verify.stdout);
      assert.match(verify.stderr, new RegExp(`ledger broken at seq ${victim!.seq}: unrecorded_purge`));
      const page = await store.verifyLedgerPage({ fromSeq: 1, limit: victim!.seq });
      assert.equal(page.firstBroken?.problem, 'unrecorded_purge', `page verification, purge named ${purgedBy}`);
    }
    const row = original.rows[0] as { body: unknown; purged_by: unknown };
    await asOwner(database.url, [
      ["SET kyc.ledger_break_glass = 'on'"],
      [`UPDATE ledger_entries SET body = $1, purged_by = $2 WHERE seq = $3`, [row.body, row.purged_by, victim!.seq]],
    ]);
    assert.equal((await runLedgerCli(['verify'], env)).code, 0);
  });

  it('catches a purged entry given a body again, or its hash rewritten', async () => {
    const [purged] = await store.ledgerEntriesFor('rejected-2019');
    await asOwner(database.url, [
      ["SET kyc.ledger_break_glass = 'on'"],
      [`UPDATE ledger_entries SET body = '{"reason":"approved after all"}' WHERE seq = $1`, [purged!.seq]],
    ]);
    const refilled = await runLedgerCli(['verify'], env);
    assert.match(refilled.stderr, new RegExp(`ledger broken at seq ${purged!.seq}: altered`));
    await asOwner(database.url, [
      ["SET kyc.ledger_break_glass = 'on'"],
      [`UPDATE ledger_entries SET body = '{}', hash = $1 WHERE seq = $2`, ['f'.repeat(64), purged!.seq]],
    ]);
    const rehashed = await runLedgerCli(['verify'], env);
    assert.match(rehashed.stderr, new RegExp(`ledger broken at seq ${purged!.seq + 1}: unlinked`));
  });
});

async function client<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
