/**
 * The ledger after chaos: each onboarding's entries counted against what happened — its checks
 * (the emulator made exactly one of each, `verify.ts` says), its decision rows, its audit-trail
 * rows, its runs on the review queue — so none is missing and none doubled, whatever was killed meanwhile;
 * and the whole chain verified.
 */
import type { Client as PgClient } from 'pg';
import { verifyLedgerChain } from '../../store/ledger-verify';
import type { Applicant } from './workload';

const REVIEW_KINDS = ['claim', 'release', 'first_approval', 'decision', 'refused'];

async function countsBy(store: PgClient, sql: string): Promise<Map<string, number>> {
  const { rows } = await store.query<{ id: string; n: string }>(sql);
  return new Map(rows.map((row) => [row.id, Number(row.n)]));
}

/** Every way the ledger disagrees with the record it is fed from, one line each. */
export async function ledgerFindings(store: PgClient, applicants: Applicant[]): Promise<string[]> {
  const findings: string[] = [];
  const chain = await verifyLedgerChain(store);
  if (!chain.ok) findings.push(`chain broken at ${chain.firstBroken.seq} (${chain.firstBroken.problem})`);
  const ledger = (kinds: string[]) =>
    countsBy(
      store,
      `SELECT onboarding_id AS id, count(*) AS n FROM ledger_entries
        WHERE kind IN (${kinds.map((k) => `'${k}'`).join(', ')}) GROUP BY onboarding_id`,
    );
  const expected = {
    decisions: await countsBy(store, 'SELECT onboarding_id AS id, count(*) AS n FROM onboarding_decisions GROUP BY 1'),
    checks: await countsBy(store, 'SELECT onboarding_id AS id, count(*) AS n FROM onboarding_checks GROUP BY 1'),
    actions: await countsBy(store, 'SELECT onboarding_id AS id, count(*) AS n FROM review_actions GROUP BY 1'),
    review: await countsBy(store, 'SELECT onboarding_id AS id, count(*) AS n FROM review_cases GROUP BY 1'),
  };
  const found = {
    decisions: await ledger(['decision_recorded']),
    checks: await ledger(['check_created']),
    actions: await ledger(REVIEW_KINDS),
    review: await ledger(['sent_to_review']),
  };
  for (const { clientId: id } of applicants) {
    const compare = (what: string, want: number, got: number) => {
      if (want !== got) findings.push(`${id} ${what}: ${got} on the ledger, ${want} happened`);
    };
    compare('decisions', expected.decisions.get(id) ?? 0, found.decisions.get(id) ?? 0);
    compare('checks created', expected.checks.get(id) ?? 0, found.checks.get(id) ?? 0);
    compare('review actions', expected.actions.get(id) ?? 0, found.actions.get(id) ?? 0);
    compare('trips to review', expected.review.get(id) ?? 0, found.review.get(id) ?? 0);
  }
  return findings;
}
