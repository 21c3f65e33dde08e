/**
 * One page of the chain's verification, for the API (`GET /v1/ledger/verify`): the entries from
 * `fromSeq`, at most `limit` of them, each checked as the full walk checks it (`ledger-verify.ts`),
 * the first against the entry before it. A client follows `nextSeq` to the end and shows progress
 * against `headSeq`; no request runs longer than one page.
 */
import { entryFromRow, type LedgerRow } from './ledger';
import type { LedgerEntry } from './ledger-hash';
import { ChainWalker } from './ledger-verify';
import type { Sql } from './sql';

export interface VerifyPage {
  fromSeq: number;
  limit: number;
}

export interface PageVerdict {
  ok: boolean;
  fromSeq: number;
  checked: number;
  headSeq: number;
  nextSeq?: number;
  lastHash?: string;
  firstBroken?: { seq: number; problem: string; detail: string };
}

export async function verifyLedgerPage(sql: Pick<Sql, 'query'>, { fromSeq, limit }: VerifyPage): Promise<PageVerdict> {
  const head = await sql.query<{ head: string | number | null }>('SELECT max(seq) AS head FROM ledger_entries');
  const headSeq = Number(head.rows[0]?.head ?? 0);
  let previous: LedgerEntry | undefined;
  if (fromSeq > 1) {
    const before = await sql.query<LedgerRow>('SELECT * FROM ledger_entries WHERE seq = $1', [fromSeq - 1]);
    if (!before.rows[0]) {
      return {
        ok: false,
        fromSeq,
        checked: 0,
        headSeq,
        firstBroken: { seq: fromSeq - 1, problem: 'missing', detail: `no entry ${fromSeq - 1}` },
      };
    }
    previous = entryFromRow(before.rows[0]);
  }
  const { rows } = await sql.query<LedgerRow>('SELECT * FROM ledger_entries WHERE seq >= $1 ORDER BY seq LIMIT $2', [
    fromSeq,
    limit,
  ]);
  const walker = new ChainWalker(fromSeq, previous);
  for (const row of rows) {
    const broken = walker.next(entryFromRow(row));
    if (broken) return { ok: false, fromSeq, checked: walker.checked, headSeq, firstBroken: broken };
  }
  // A purge past this page is looked up, to see that it lists what this page holds as purged.
  const broken = await walker.finish(async (seq) => {
    const found = await sql.query<LedgerRow>('SELECT * FROM ledger_entries WHERE seq = $1', [seq]);
    return found.rows[0] ? entryFromRow(found.rows[0]) : undefined;
  });
  if (broken) return { ok: false, fromSeq, checked: walker.checked, headSeq, firstBroken: broken };
  const checked = walker.checked;
  previous = walker.last;
  const next = fromSeq + checked;
  return {
    ok: true,
    fromSeq,
    checked,
    headSeq,
    ...(next <= headSeq ? { nextSeq: next } : {}),
    ...(previous ? { lastHash: previous.hash } : {}),
  };
}
