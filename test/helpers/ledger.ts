/** The ledger's CLI as an operator runs it, entries to fill a chain with, and the owner's raw SQL. */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Client } from 'pg';
import type { DecisionStore, LedgerEntry } from '../../store/decision-store';

const root = path.resolve(__dirname, '..', '..');

/** Runs `npm run ledger -- ...args` (as `tsx client/ledger.ts`); resolves with its exit code and output. */
export function runLedgerCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'client', 'ledger.ts'), ...args],
      { cwd: root, env: { ...process.env, ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Appends `count` entries (a claim and a decision for each of a few cases); returns them in order. */
export async function fillLedger(store: DecisionStore, count: number): Promise<LedgerEntry[]> {
  const written: LedgerEntry[] = [];
  for (let i = 0; i < count; i += 1) {
    written.push(
      await store.appendLedgerEntry({
        entryId: `test:${randomUUID()}`,
        onboardingId: `onb-${i % 3}`,
        runId: `run-${i % 3}`,
        kind: i % 2 ? 'decision' : 'claim',
        actor: 'alice',
        channel: 'console',
        at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
        body: { reviewActionId: `run-${i % 3}:${i}`, reason: i % 2 ? 'documents match' : null },
      }),
    );
  }
  return written;
}

/** Runs statements as the database's owner, in one session (so a `SET` holds for the rest). */
export async function asOwner(url: string, statements: [string, unknown[]?][]): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    for (const [text, params] of statements) await client.query(text, params);
  } finally {
    await client.end();
  }
}
