/**
 * The ledger: a hash-chained, append-only record of every decision and review action
 * (`docs/ledger.md`). Entries are numbered 1, 2, 3… with no gap; each carries its predecessor's
 * hash and its own (`ledger-hash.ts`). One writer at a time, fleet-wide: a transaction-scoped
 * advisory lock orders the appends, so the chain stays linear however many processes write.
 *
 * `appendLedgerEntryIn` takes a transaction, so that a store write and its entry commit together
 * or not at all; an entry whose ID is already on the chain is returned as it is (exactly once).
 */
import { canonicalJson } from './canonical-json';
import { GENESIS_HASH, ledgerEntryHash, type LedgerEntry, type NewLedgerEntry } from './ledger-hash';
import { storableJson, storableText, type Sql } from './sql';

export type { LedgerEntry, LedgerEntryKind, NewLedgerEntry } from './ledger-hash';

/** Arbitrary, fixed (beside the migrations' lock): serializes appends across processes. */
export const LEDGER_APPEND_LOCK = 727_274_002;

export interface Ledger {
  /** Appends an entry in a transaction of its own; an entry ID already there returns that entry. */
  appendLedgerEntry(entry: NewLedgerEntry): Promise<LedgerEntry>;
  /** An onboarding's entries, every run's, in chain order (not contiguous: other cases interleave). */
  ledgerEntriesFor(onboardingId: string): Promise<LedgerEntry[]>;
  /** The newest entry, if there is one. */
  ledgerHead(): Promise<LedgerEntry | undefined>;
  /** The entry at `seq`, if there is one. */
  ledgerEntryAt(seq: number): Promise<LedgerEntry | undefined>;
}

/** A row of `ledger_entries` as the driver gives it. */
export interface LedgerRow {
  seq: string | number;
  entry_id: string;
  onboarding_id: string | null;
  run_id: string | null;
  kind: LedgerEntry['kind'];
  actor: string | null;
  channel: string | null;
  at: Date | string;
  body: Record<string, unknown>;
  prev_hash: string;
  hash: string;
  purged_by?: string | number | null;
}

export function entryFromRow(row: LedgerRow): LedgerEntry {
  return {
    seq: Number(row.seq),
    entryId: row.entry_id,
    onboardingId: row.onboarding_id,
    runId: row.run_id,
    kind: row.kind,
    actor: row.actor,
    channel: row.channel,
    at: new Date(row.at).toISOString(),
    body: row.body,
    prevHash: row.prev_hash,
    hash: row.hash,
    // Only on a purged entry: an entry reads back as it was appended.
    ...(row.purged_by == null ? {} : { purgedBy: Number(row.purged_by) }),
  };
}

const nullableText = (text: string | null | undefined) => (text == null ? null : storableText(text));

/**
 * Whether the store's writes feed the ledger. Always on, but for `npm run bench`'s side-by-side
 * run of the product without its ledger (`--designs product,product-without-ledger`), which
 * measures what the ledger costs. Nothing in the configuration turns it off.
 */
export const LEDGER_FEEDS = { on: true };

/** Feeds `entry` to the ledger inside the write's transaction `tx`, unless the bench turned feeds off. */
export async function feedLedger(tx: Pick<Sql, 'query'>, entry: NewLedgerEntry): Promise<void> {
  if (LEDGER_FEEDS.on) await appendLedgerEntryIn(tx, entry);
}

/** Appends `entry` inside the caller's transaction `tx`; see the file's comment. */
export async function appendLedgerEntryIn(tx: Pick<Sql, 'query'>, entry: NewLedgerEntry): Promise<LedgerEntry> {
  canonicalJson(entry.body); // refuses what the chain cannot hash before anything is locked
  await tx.query('SELECT pg_advisory_xact_lock($1)', [LEDGER_APPEND_LOCK]);
  // The entry if it is on the chain already, else the chain's head: one round trip for either.
  const found = await tx.query<LedgerRow & { is_entry: boolean }>(
    `(SELECT *, true AS is_entry FROM ledger_entries WHERE entry_id = $1)
     UNION ALL (SELECT *, false AS is_entry FROM ledger_entries ORDER BY seq DESC LIMIT 1)`,
    [entry.entryId],
  );
  const existing = found.rows.find((row) => row.is_entry);
  if (existing) return entryFromRow(existing);
  const head = found.rows.find((row) => !row.is_entry);
  const content = {
    seq: head ? Number(head.seq) + 1 : 1,
    entryId: storableText(entry.entryId),
    onboardingId: nullableText(entry.onboardingId),
    runId: nullableText(entry.runId),
    kind: entry.kind,
    actor: nullableText(entry.actor),
    channel: nullableText(entry.channel),
    at: new Date(entry.at).toISOString(),
    // As jsonb will give it back: NUL characters replaced, undefined properties gone.
    body: JSON.parse(storableJson(entry.body)) as Record<string, unknown>,
    prevHash: head?.hash ?? GENESIS_HASH,
  };
  const hash = ledgerEntryHash(content);
  await tx.query(
    `INSERT INTO ledger_entries (seq, entry_id, onboarding_id, run_id, kind, actor, channel, at, body, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11)`,
    [
      content.seq,
      content.entryId,
      content.onboardingId,
      content.runId,
      content.kind,
      content.actor,
      content.channel,
      content.at,
      JSON.stringify(content.body),
      content.prevHash,
      hash,
    ],
  );
  return { ...content, hash };
}

export function ledger(sql: Sql): Ledger {
  const one = async (text: string, params: unknown[]) => {
    const { rows } = await sql.query<LedgerRow>(text, params);
    return rows[0] ? entryFromRow(rows[0]) : undefined;
  };
  return {
    appendLedgerEntry: (entry) => sql.transaction((tx) => appendLedgerEntryIn(tx, entry)),

    async ledgerEntriesFor(onboardingId) {
      const { rows } = await sql.query<LedgerRow>(
        'SELECT * FROM ledger_entries WHERE onboarding_id = $1 ORDER BY seq',
        [onboardingId],
      );
      return rows.map(entryFromRow);
    },

    ledgerHead: () => one('SELECT * FROM ledger_entries ORDER BY seq DESC LIMIT 1', []),
    ledgerEntryAt: (seq) => one('SELECT * FROM ledger_entries WHERE seq = $1', [seq]),
  };
}
