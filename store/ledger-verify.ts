/**
 * Verifies the ledger's chain: walks it in pages by `seq`, recomputes each entry's hash, checks
 * that each links to its predecessor and that the numbering runs 1, 2, 3… without a gap. Stops at
 * the first entry that is wrong and says how (`docs/ledger.md`):
 *
 * - `missing`: no entry at this seq, though later ones exist (a row deleted);
 * - `altered`: the entry's content does not give its hash (a row updated);
 * - `reordered`: the entry's content gives its hash at another seq (rows renumbered or swapped);
 * - `inserted`: the entry was slipped in: its successor's content belongs at this seq and links to
 *   this entry's predecessor;
 * - `unlinked`: the entry's content gives its hash, but its `prevHash` is not its predecessor's
 *   hash (the predecessor rewritten with a recomputed hash, or this entry forged);
 * - `unrecorded_purge`: the entry's body was removed, but no later `ledger_purged` entry on the
 *   chain lists it (a purge cannot be claimed to hide an edit: it must itself be on the chain).
 *
 * A purged entry's body is `{}` and is not recomputed; its stored hash still links both ways.
 */
import { GENESIS_HASH, ledgerEntryHash, type LedgerEntry } from './ledger-hash';
import { entryFromRow, type LedgerRow } from './ledger';
import type { Sql } from './sql';

export type ChainProblem = 'missing' | 'altered' | 'reordered' | 'inserted' | 'unlinked' | 'unrecorded_purge';

export interface Broken {
  seq: number;
  problem: ChainProblem;
  detail: string;
}

export type ChainVerdict =
  { ok: true; count: number; headSeq: number; headHash: string } | { ok: false; count: number; firstBroken: Broken };

export interface VerifyOptions {
  /** Entries read per query (default 1,000). */
  pageSize?: number;
  /** Called after each page with the entries checked so far. */
  onProgress?: (checked: number) => void;
}

/** How far from its place a moved entry is looked for, to tell `reordered` from `altered`. */
const REORDER_SEARCH = 1_000;

/** The seq at which an entry's content gives its stored hash, if any near its own. */
function seqThatFits(entry: LedgerEntry): number | undefined {
  for (let distance = 1; distance <= REORDER_SEARCH; distance += 1) {
    for (const seq of [entry.seq - distance, entry.seq + distance]) {
      if (seq > 0 && ledgerEntryHash({ ...entry, seq }) === entry.hash) return seq;
    }
  }
  return undefined;
}

const isPurged = (entry: LedgerEntry) => entry.purgedBy != null;

/** A purged entry keeps nothing of its body, and names a later entry as its purge. */
function checkPurgedContent(entry: LedgerEntry): Broken | undefined {
  if (Object.keys(entry.body).length > 0 || !(entry.purgedBy! > entry.seq)) {
    return { seq: entry.seq, problem: 'altered', detail: 'marked purged, yet it keeps a body or names no later purge' };
  }
  return undefined;
}

/** Checks one entry against its predecessor (undefined for seq 1); the problem, if any. */
export function checkLink(
  entry: LedgerEntry,
  expectedSeq: number,
  previous: LedgerEntry | undefined,
): Broken | undefined {
  if (entry.seq !== expectedSeq) {
    return { seq: expectedSeq, problem: 'missing', detail: `no entry ${expectedSeq}; the next is ${entry.seq}` };
  }
  const prevHash = previous?.hash ?? GENESIS_HASH;
  if (isPurged(entry)) {
    const broken = checkPurgedContent(entry);
    if (broken) return broken;
  } else if (ledgerEntryHash(entry) !== entry.hash) {
    const fits = seqThatFits(entry);
    if (fits !== undefined && previous && fits === entry.seq - 1 && entry.prevHash === previous.prevHash) {
      return { seq: previous.seq, problem: 'inserted', detail: `entry ${previous.seq} was slipped in before this one` };
    }
    if (fits !== undefined) {
      return { seq: entry.seq, problem: 'reordered', detail: `its content belongs at seq ${fits}` };
    }
    return { seq: entry.seq, problem: 'altered', detail: 'its content does not give its hash' };
  }
  if (entry.prevHash !== prevHash) {
    return { seq: entry.seq, problem: 'unlinked', detail: `its prevHash is not entry ${entry.seq - 1}'s hash` };
  }
  return undefined;
}

/** The seqs a `ledger_purged` entry says it purged. */
export function seqsPurgedBy(entry: Pick<LedgerEntry, 'kind' | 'body'>): Set<number> {
  const seqs = entry.kind === 'ledger_purged' && Array.isArray(entry.body.seqs) ? entry.body.seqs : [];
  return new Set(seqs.filter((seq): seq is number => Number.isSafeInteger(seq)));
}

/**
 * Walks entries in order, from `fromSeq`: each checked against the one before, and each purged
 * entry held until the purge it names is reached and found to list it.
 */
export class ChainWalker {
  private previous: LedgerEntry | undefined;
  /** Purge seq → the purged entries that name it, not yet matched. */
  private readonly pending = new Map<number, number[]>();
  checked = 0;

  constructor(
    private readonly fromSeq = 1,
    previous?: LedgerEntry,
  ) {
    this.previous = previous;
  }

  get last(): LedgerEntry | undefined {
    return this.previous;
  }

  /** Checks the next entry; the first problem, if any. */
  next(entry: LedgerEntry): Broken | undefined {
    const broken = checkLink(entry, this.fromSeq + this.checked, this.previous) ?? this.matchPurge(entry);
    if (broken) return broken;
    if (isPurged(entry)) this.pending.set(entry.purgedBy!, [...(this.pending.get(entry.purgedBy!) ?? []), entry.seq]);
    this.previous = entry;
    this.checked += 1;
    return undefined;
  }

  /**
   * After the last entry: every purged entry's purge must have been found. Those whose purge lies
   * beyond what was walked (a page of the chain) are looked up with `entryAt`.
   */
  async finish(entryAt?: (seq: number) => Promise<LedgerEntry | undefined>): Promise<Broken | undefined> {
    for (const [purgeSeq] of [...this.pending].sort(([a], [b]) => a - b)) {
      const purge = entryAt ? await entryAt(purgeSeq) : undefined;
      const broken = purge ? this.matchPurge(purge) : unrecorded(this.pending.get(purgeSeq)!, purgeSeq);
      if (broken) return broken;
    }
    return undefined;
  }

  private matchPurge(entry: LedgerEntry): Broken | undefined {
    const waiting = this.pending.get(entry.seq);
    if (!waiting) return undefined;
    const listed = seqsPurgedBy(entry);
    const unlisted = waiting.filter((seq) => !listed.has(seq));
    if (unlisted.length > 0) return unrecorded(unlisted, entry.seq);
    this.pending.delete(entry.seq);
    return undefined;
  }
}

function unrecorded(seqs: number[], purgeSeq: number): Broken {
  return {
    seq: Math.min(...seqs),
    problem: 'unrecorded_purge',
    detail: `its body was removed, but entry ${purgeSeq} records no purge of it`,
  };
}

export async function verifyLedgerChain(sql: Pick<Sql, 'query'>, options: VerifyOptions = {}): Promise<ChainVerdict> {
  const pageSize = options.pageSize ?? 1_000;
  const walker = new ChainWalker();
  for (;;) {
    const { rows } = await sql.query<LedgerRow>('SELECT * FROM ledger_entries WHERE seq > $1 ORDER BY seq LIMIT $2', [
      walker.last?.seq ?? 0,
      pageSize,
    ]);
    for (const row of rows) {
      const broken = walker.next(entryFromRow(row));
      if (broken) return { ok: false, count: walker.checked, firstBroken: broken };
    }
    options.onProgress?.(walker.checked);
    if (rows.length < pageSize) break;
  }
  const broken = await walker.finish();
  if (broken) return { ok: false, count: walker.checked, firstBroken: broken };
  const head = walker.last;
  return { ok: true, count: walker.checked, headSeq: head?.seq ?? 0, headHash: head?.hash ?? GENESIS_HASH };
}
