/**
 * Tampering with the ledger as the database's owner (the break-glass set, or the trigger
 * disabled) is caught: `npm run ledger -- verify`, run as a process, exits 1 naming the first
 * broken seq and how; an untouched ledger exits 0 with its count and head hash. Rows cut from the
 * tail, or a chain rewritten with recomputed hashes, are caught by a signed checkpoint.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { openDecisionStore, type DecisionStore, type LedgerEntry } from '../store/decision-store';
import { ledgerEntryHash } from '../store/ledger-hash';
import { writeCheckpoint } from '../store/ledger-checkpoints';
import { devSigningKey, parseSigningKey } from '../store/ledger-signing-key';
import { freshDatabase } from './helpers/database';
import { asOwner, fillLedger, runLedgerCli } from './helpers/ledger';
import { TEST_DATABASE_URL } from './helpers/system';

const BREAK_GLASS: [string] = ["SET kyc.ledger_break_glass = 'on'"];

/** A chain of 12 entries, signed at its head, tampered with by `tamper`, then verified by the CLI. */
async function verifyAfter(tamper: (url: string, entries: LedgerEntry[]) => Promise<void>) {
  const database = await freshDatabase(TEST_DATABASE_URL, 'ledger_tamper');
  const dir = mkdtempSync(path.join(tmpdir(), 'ledger-'));
  let store: DecisionStore | undefined;
  try {
    store = await openDecisionStore({ databaseUrl: database.url, poolMax: 2 });
    const entries = await fillLedger(store, 12);
    const signingKey = devSigningKey(dir);
    writeCheckpoint(path.join(dir, 'checkpoints'), entries.at(-1)!, parseSigningKey(signingKey));
    await tamper(database.url, entries);
    const env = {
      DATABASE_URL: database.url,
      LEDGER_CHECKPOINT_DIR: path.join(dir, 'checkpoints'),
      LEDGER_SIGNING_KEY: signingKey,
    };
    return { ...(await runLedgerCli(['verify', '--page-size', '5'], env)), entries };
  } finally {
    await store?.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const brokenAt = (result: { code: number; stderr: string }, seq: number, problem: string) => {
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, new RegExp(`ledger broken at seq ${seq}: ${problem}\\b`));
};

describe('ledger tampering, caught by npm run ledger -- verify', () => {
  it('passes an untouched ledger: exit 0, the count and the head hash', async () => {
    const result = await verifyAfter(async () => undefined);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`12 entries, head seq 12, head hash ${result.entries.at(-1)!.hash}`));
    assert.match(result.stdout, /checkpoints verified: 1/);
  });

  it('names an updated row: altered', async () => {
    const result = await verifyAfter((url) =>
      asOwner(url, [BREAK_GLASS, [`UPDATE ledger_entries SET body = '{"reason":"approved"}' WHERE seq = 7`]]),
    );
    brokenAt(result, 7, 'altered');
  });

  it('names a deleted middle row: missing', async () => {
    const result = await verifyAfter((url) =>
      asOwner(url, [BREAK_GLASS, ['DELETE FROM ledger_entries WHERE seq = 5']]),
    );
    brokenAt(result, 5, 'missing');
  });

  it('names two rows with their seqs swapped: reordered', async () => {
    const result = await verifyAfter((url) =>
      asOwner(url, [
        ['ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_immutable'],
        ['UPDATE ledger_entries SET seq = 1000 WHERE seq = 8'],
        ['UPDATE ledger_entries SET seq = 8 WHERE seq = 9'],
        ['UPDATE ledger_entries SET seq = 9 WHERE seq = 1000'],
      ]),
    );
    brokenAt(result, 8, 'reordered');
  });

  it('names rows cut from the tail, by the checkpoint: truncated', async () => {
    const result = await verifyAfter((url) =>
      asOwner(url, [BREAK_GLASS, ['DELETE FROM ledger_entries WHERE seq > 10']]),
    );
    brokenAt(result, 11, 'truncated');
  });

  it('names a forged row slipped into the middle: inserted', async () => {
    const result = await verifyAfter(async (url, entries) => {
      const previous = entries[5]!;
      const forged = { ...previous, seq: 7, entryId: 'forged', body: { reason: 'approved' }, prevHash: previous.hash };
      const hash = ledgerEntryHash(forged);
      await asOwner(url, [
        BREAK_GLASS,
        ['UPDATE ledger_entries SET seq = seq + 100 WHERE seq >= 7'],
        ['UPDATE ledger_entries SET seq = seq - 99 WHERE seq >= 107'],
        [
          `INSERT INTO ledger_entries (seq, entry_id, onboarding_id, run_id, kind, actor, channel, at, body, prev_hash, hash)
           VALUES (7, 'forged', $1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [
            forged.onboardingId,
            forged.runId,
            forged.kind,
            forged.actor,
            forged.channel,
            forged.at,
            forged.body,
            forged.prevHash,
            hash,
          ],
        ],
      ]);
    });
    brokenAt(result, 7, 'inserted');
  });

  it('names a chain rewritten with recomputed hashes, by the checkpoint: rewritten', async () => {
    const result = await verifyAfter(async (url, entries) => {
      let prevHash = entries[1]!.hash;
      const statements: [string, unknown[]][] = [];
      for (const entry of entries.slice(2)) {
        const rewritten = { ...entry, body: entry.seq === 3 ? { reason: 'approved' } : entry.body, prevHash };
        prevHash = ledgerEntryHash(rewritten);
        statements.push([
          'UPDATE ledger_entries SET body = $2, prev_hash = $3, hash = $4 WHERE seq = $1',
          [entry.seq, rewritten.body, rewritten.prevHash, prevHash],
        ]);
      }
      await asOwner(url, [BREAK_GLASS, ...statements]);
    });
    brokenAt(result, 12, 'rewritten');
  });

  it('checks one case record offline: exit 0, or 1 naming an altered entry', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ledger-record-'));
    const database = await freshDatabase(TEST_DATABASE_URL, 'ledger_record');
    try {
      const store = await openDecisionStore({ databaseUrl: database.url, poolMax: 2 });
      await fillLedger(store, 9);
      const entries = await store.ledgerEntriesFor('onb-1');
      await store.close();
      const file = path.join(dir, 'record.json');
      writeFileSync(file, JSON.stringify({ onboardingId: 'onb-1', entries }));
      const good = await runLedgerCli(['verify-record', file], {});
      assert.equal(good.code, 0, good.stderr);
      assert.match(good.stdout, /3 entries/);
      entries[1]!.body = { reason: 'approved' };
      writeFileSync(file, JSON.stringify({ onboardingId: 'onb-1', entries }));
      const bad = await runLedgerCli(['verify-record', file], {});
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, new RegExp(`record broken at seq ${entries[1]!.seq}: altered`));
    } finally {
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
