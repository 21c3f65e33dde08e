/**
 * The ledger's chain on a real PostgreSQL (a database of its own) and on PGlite: appends number
 * 1, 2, 3… and link, an entry ID is written once under retries and concurrent writers, and the
 * trigger refuses UPDATE, DELETE and TRUNCATE, even by the owner, without the break-glass.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { openDecisionStore, type DecisionStore, type NewLedgerEntry } from '../store/decision-store';
import { GENESIS_HASH, ledgerEntryHash } from '../store/ledger-hash';
import { appendLedgerEntryIn, ledger } from '../store/ledger';
import { embedded, migrate, postgres } from '../store/sql';
import { freshDatabase, type OwnDatabase } from './helpers/database';
import { TEST_DATABASE_URL } from './helpers/system';

export const entry = (over: Partial<NewLedgerEntry> = {}): NewLedgerEntry => ({
  entryId: `test:${randomUUID()}`,
  onboardingId: 'onb-1',
  runId: 'run-1',
  kind: 'claim',
  actor: 'alice',
  channel: 'console',
  at: new Date().toISOString(),
  body: { reviewActionId: 'x', reason: 'looks fine' },
  ...over,
});

const REFUSALS = [
  ['UPDATE', "UPDATE ledger_entries SET body = '{}' WHERE seq = 1"],
  ['DELETE', 'DELETE FROM ledger_entries WHERE seq = 1'],
  ['TRUNCATE', 'TRUNCATE ledger_entries'],
] as const;

describe('ledger on PostgreSQL', () => {
  let database: OwnDatabase;
  let store: DecisionStore;
  before(async () => {
    database = await freshDatabase(TEST_DATABASE_URL, 'ledger');
    store = await openDecisionStore({ databaseUrl: database.url, poolMax: 12 });
  });
  after(async () => {
    await store.close();
    await database.drop();
  });

  it('numbers entries from 1 and links each to its predecessor, from the genesis hash', async () => {
    const first = await store.appendLedgerEntry(entry());
    const second = await store.appendLedgerEntry(entry({ onboardingId: null, actor: null, channel: null }));
    assert.equal(first.seq, 1);
    assert.equal(first.prevHash, GENESIS_HASH);
    assert.equal(second.seq, 2);
    assert.equal(second.prevHash, first.hash);
    assert.equal(ledgerEntryHash(second), second.hash);
    assert.deepEqual(await store.ledgerEntryAt(2), second, 'what is read back hashes the same');
  });

  it('writes an entry ID once, however often and however concurrently it is given', async () => {
    const e = entry();
    const written = await store.appendLedgerEntry(e);
    assert.deepEqual(await store.appendLedgerEntry(e), written);
    const again = await Promise.all(Array.from({ length: 10 }, () => store.appendLedgerEntry({ ...e })));
    assert.ok(again.every((x) => x.seq === written.seq));
    const { rows } = await query(database.url, 'SELECT count(*)::int AS n FROM ledger_entries WHERE entry_id = $1', [
      e.entryId,
    ]);
    assert.equal(rows[0]!.n, 1);
  });

  it('keeps the chain linear under 10 concurrent writers, each retrying its own entries', async () => {
    const before = (await store.ledgerHead())!.seq;
    const writers = Array.from({ length: 10 }, async () => {
      for (let i = 0; i < 20; i += 1) {
        const e = entry();
        await Promise.all([store.appendLedgerEntry(e), store.appendLedgerEntry(e)]);
      }
    });
    await Promise.all(writers);
    const verdict = await store.verifyLedger({ pageSize: 37 });
    assert.deepEqual(verdict, { ...verdict, ok: true, count: before + 200 });
  });

  it('rolls an entry back with the write it belongs to', async () => {
    const sql = postgres(database.url, 1);
    const e = entry();
    try {
      await assert.rejects(
        sql.transaction(async (tx) => {
          await appendLedgerEntryIn(tx, e);
          throw new Error('the write failed');
        }),
        /the write failed/,
      );
    } finally {
      await sql.close();
    }
    const { rows } = await query(database.url, 'SELECT 1 FROM ledger_entries WHERE entry_id = $1', [e.entryId]);
    assert.equal(rows.length, 0);
    assert.equal((await store.verifyLedger()).ok, true);
  });

  for (const [operation, statement] of REFUSALS) {
    it(`refuses ${operation} by the owner without the break-glass, and allows it with`, async () => {
      await assert.rejects(query(database.url, statement), /ledger_entries is append-only/);
      // The break-glass works (checked in a transaction rolled back, to keep the chain).
      await openTransaction(database.url, async (client) => {
        await client.query("SET LOCAL kyc.ledger_break_glass = 'on'");
        await client.query(statement);
        await client.query('ROLLBACK');
      });
      assert.equal((await store.verifyLedger()).ok, true);
    });
  }
});

describe('ledger on PGlite', () => {
  it('keeps the append-only trigger and the chain', async () => {
    const sql = await embedded(undefined);
    try {
      await migrate(sql);
      const l = ledger(sql);
      await l.appendLedgerEntry(entry());
      const second = await l.appendLedgerEntry(entry());
      assert.equal(second.seq, 2);
      for (const [, statement] of REFUSALS) {
        await assert.rejects(sql.query(statement), /ledger_entries is append-only/);
      }
      assert.equal((await l.ledgerHead())?.hash, second.hash);
    } finally {
      await sql.close();
    }
  });
});

async function query(url: string, text: string, params: unknown[] = []) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query<Record<string, number>>(text, params);
  } finally {
    await client.end();
  }
}

async function openTransaction(url: string, fn: (client: Client) => Promise<void>) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    await fn(client);
    await client.query('COMMIT').catch(() => undefined);
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end();
  }
}
