/**
 * `npx tsx bench/ledger-bench.ts [POSTGRES_URL]`: what an append to the ledger costs, on a fresh
 * database of the server: sequential appends, then 10 concurrent writers, then a full verify.
 */
import { randomUUID } from 'node:crypto';
import { openDecisionStore, type DecisionStore } from '../store/decision-store';
import { freshDatabase } from '../system/fresh-database';

const SEQUENTIAL = 1_000;
const WRITERS = 10;
const PER_WRITER = 100;

const entry = (i: number) => ({
  entryId: `bench:${randomUUID()}`,
  onboardingId: `onb-${i % 50}`,
  runId: `run-${i % 50}`,
  kind: 'decision' as const,
  actor: 'reviewer-alice',
  channel: 'console',
  at: new Date().toISOString(),
  body: { reviewActionId: `run:${i}`, decision: 'approve', reason: 'documents match the register' },
});

async function timed(label: string, count: number, work: () => Promise<unknown>) {
  const started = performance.now();
  await work();
  const seconds = (performance.now() - started) / 1000;
  console.log(`${label}: ${count} in ${seconds.toFixed(2)} s = ${Math.round(count / seconds)} /s`);
}

async function bench(store: DecisionStore) {
  await timed('sequential appends', SEQUENTIAL, async () => {
    for (let i = 0; i < SEQUENTIAL; i += 1) await store.appendLedgerEntry(entry(i));
  });
  await timed(`${WRITERS} concurrent writers`, WRITERS * PER_WRITER, () =>
    Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        for (let i = 0; i < PER_WRITER; i += 1) await store.appendLedgerEntry(entry(w * PER_WRITER + i));
      }),
    ),
  );
  const total = SEQUENTIAL + WRITERS * PER_WRITER;
  await timed('verify (entries checked)', total, async () => {
    const verdict = await store.verifyLedger();
    if (!verdict.ok || verdict.count !== total) throw new Error(`unexpected verdict ${JSON.stringify(verdict)}`);
  });
}

async function main(serverUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test') {
  const database = await freshDatabase(serverUrl, 'ledger_bench');
  const store = await openDecisionStore({ databaseUrl: database.url, poolMax: WRITERS });
  try {
    await bench(store);
  } finally {
    await store.close();
    await database.drop();
  }
}

main(process.argv[2]).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
