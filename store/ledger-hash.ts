/**
 * The ledger's hash rule, with no database in sight so that an auditor's copy of a case can be
 * checked offline: each entry's hash is the hex SHA-256 of the canonical JSON (`canonical-json.ts`)
 * of its content and its predecessor's hash. The first entry's predecessor is `GENESIS_HASH`.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import type { LedgerEntryKind } from './ledger-kinds';

/** What the first entry links to: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

export { LEDGER_ENTRY_KINDS, type LedgerEntryKind } from './ledger-kinds';

/** An entry as a writer gives it: IDs and outcomes, never an applicant's personal data. */
export interface NewLedgerEntry {
  /** The idempotency key: an entry with this ID is written once, however often it is given. */
  entryId: string;
  onboardingId: string | null;
  runId: string | null;
  kind: LedgerEntryKind;
  actor: string | null;
  channel: string | null;
  /** ISO 8601; kept to the millisecond. */
  at: string;
  body: Record<string, unknown>;
}

/** An entry on the chain. */
export interface LedgerEntry extends NewLedgerEntry {
  seq: number;
  prevHash: string;
  hash: string;
  /**
   * Set when a retention purge removed the entry's body (`docs/ledger.md`): the seq of the
   * `ledger_purged` entry that did it and lists this one. Not part of the hash: the hash stays as
   * written, so the chain still links, and the body (now `{}`) is no longer recomputed.
   */
  purgedBy?: number | null;
}

/** The hex SHA-256 of the canonical JSON of everything in an entry but its own hash. */
export function ledgerEntryHash(entry: Omit<LedgerEntry, 'hash'>): string {
  const content = {
    seq: entry.seq,
    entryId: entry.entryId,
    onboardingId: entry.onboardingId ?? null,
    runId: entry.runId ?? null,
    kind: entry.kind,
    actor: entry.actor ?? null,
    channel: entry.channel ?? null,
    at: new Date(entry.at).toISOString(),
    body: entry.body,
    prevHash: entry.prevHash,
  };
  return createHash('sha256').update(canonicalJson(content), 'utf8').digest('hex');
}
