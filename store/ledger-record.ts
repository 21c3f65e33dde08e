/**
 * Offline check of one case's record, as `GET /v1/onboardings/:id/record` returns it: every
 * entry's hash recomputed from its content, and, where two entries' seqs are consecutive, the
 * later one's `prevHash` the earlier one's hash. A case's entries are not contiguous (other cases
 * interleave), so this proves each entry unaltered, not that none is missing: for that, compare
 * the entries' hashes with the full chain or a signed checkpoint.
 */
import { ledgerEntryHash, type LedgerEntry } from './ledger-hash';

/** What the record route answers. */
export interface CaseRecord {
  onboardingId: string;
  entries: LedgerEntry[];
}

export type RecordVerdict =
  | { ok: true; count: number }
  | {
      ok: false;
      count: number;
      firstBroken: { seq: number; problem: 'altered' | 'unlinked' | 'foreign' | 'unordered' };
    };

export function verifyCaseRecord(record: CaseRecord): RecordVerdict {
  let previous: LedgerEntry | undefined;
  let count = 0;
  for (const entry of record.entries) {
    const broken = (problem: 'altered' | 'unlinked' | 'foreign' | 'unordered') =>
      ({ ok: false, count, firstBroken: { seq: entry.seq, problem } }) as const;
    if (entry.onboardingId !== record.onboardingId) return broken('foreign');
    if (previous && entry.seq <= previous.seq) return broken('unordered');
    if (entry.purgedBy != null) {
      if (Object.keys(entry.body ?? {}).length > 0 || !(entry.purgedBy > entry.seq)) return broken('altered');
    } else {
      let hash: string;
      try {
        hash = ledgerEntryHash(entry);
      } catch {
        return broken('altered');
      }
      if (hash !== entry.hash) return broken('altered');
    }
    if (previous && entry.seq === previous.seq + 1 && entry.prevHash !== previous.hash) return broken('unlinked');
    previous = entry;
    count += 1;
  }
  return { ok: true, count };
}
