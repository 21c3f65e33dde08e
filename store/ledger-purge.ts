/**
 * The retention purge (`docs/ledger.md`): cases whose relationship ended longer ago than the
 * retention lose their content, and the chain still verifies.
 *
 * A relationship ends at a decision that did not approve (rejected, expired, withdrawn: it never
 * began), or, for an approved customer, at the `relationship_ended` entry the backend records when
 * the account closes. Retention runs from the case's last entry. A purge, in one transaction, as
 * the store's owner under break-glass:
 *
 * 1. appends a `ledger_purged` entry listing the cases and every entry it purges (by seq);
 * 2. empties those entries' bodies and sets their `purged_by` to that entry's seq, keeping each
 *    seq, kind, actor, time and both hashes, so the chain links as before and checkpoints hold;
 * 3. deletes the cases' decisions, review actions and queue rows, which carry reasons.
 *
 * Verification skips a purged body but checks that the purge it names lists it.
 */
import { randomUUID } from 'node:crypto';
import { appendLedgerEntryIn, LEDGER_APPEND_LOCK, type LedgerEntry } from './ledger';
import { LEDGER_BREAK_GLASS_SETTING } from './ledger-schema';
import type { Sql } from './sql';

/** `years` calendar years after `at` (before it, when negative): how retention is counted. */
export function yearsAfter(at: Date | string, years: number): Date {
  const date = new Date(at);
  date.setUTCFullYear(date.getUTCFullYear() + years);
  return date;
}

/** A case whose relationship ended before the cutoff, with its entries not yet purged. */
export interface ExpiredCase {
  onboardingId: string;
  /** Its last entry's time: when retention began to run. */
  endedAt: string;
  entries: number;
}

export interface PurgeOptions {
  /** Entries of cases ended before this are purged. */
  cutoff: Date;
  /** Who runs the purge, for the record. */
  actor: string;
  /** The retention applied, for the record (e.g. `5 years`). */
  retention: string;
  /** Cases per `ledger_purged` entry (default 200). */
  batch?: number;
}

/** Store tables whose rows carry a case's reasons: gone with the purge. */
const CASE_TABLES = ['onboarding_decisions', 'review_actions', 'review_cases'] as const;

interface CaseSummary {
  onboarding_id: string;
  ended_at: Date | string;
  entries: string | number;
  started: string | null;
  relationship_ended: string | null;
  decided: string | null;
  decision: string | null;
}

/** Cases whose relationship ended and whose last entry is older than `cutoff`, oldest first. */
export async function expiredCases(sql: Pick<Sql, 'query'>, cutoff: Date): Promise<ExpiredCase[]> {
  const { rows } = await sql.query<CaseSummary>(
    `SELECT onboarding_id, max(at) AS ended_at, count(*) AS entries,
            max(seq) FILTER (WHERE kind = 'started') AS started,
            max(seq) FILTER (WHERE kind = 'relationship_ended') AS relationship_ended,
            max(seq) FILTER (WHERE kind = 'decision_recorded') AS decided,
            (array_agg(body->>'decision' ORDER BY seq DESC) FILTER (WHERE kind = 'decision_recorded'))[1] AS decision
       FROM ledger_entries
      WHERE onboarding_id IS NOT NULL AND purged_by IS NULL
      GROUP BY onboarding_id
     HAVING max(at) < $1
      ORDER BY max(at), onboarding_id`,
    [cutoff.toISOString()],
  );
  // The relationship ended after the case's last start: closed by the backend, or never begun.
  const after = (seq: string | null, started: string | null) => seq !== null && Number(seq) > Number(started ?? 0);
  return rows
    .filter(
      (row) =>
        after(row.relationship_ended, row.started) || (after(row.decided, row.started) && row.decision !== 'approved'),
    )
    .map((row) => ({
      onboardingId: row.onboarding_id,
      endedAt: new Date(row.ended_at).toISOString(),
      entries: Number(row.entries),
    }));
}

/** Whether this connection's role may purge: the owner may UPDATE the ledger, the application's role may not. */
export async function mayPurge(sql: Pick<Sql, 'query'>): Promise<boolean> {
  const { rows } = await sql.query<{ ok: boolean }>(`SELECT has_table_privilege('ledger_entries', 'UPDATE') AS ok`);
  return rows[0]?.ok === true;
}

/** Purges one batch of cases; the `ledger_purged` entry that records it. */
async function purgeBatch(sql: Sql, cases: ExpiredCase[], options: PurgeOptions): Promise<LedgerEntry> {
  const onboardingIds = cases.map((c) => c.onboardingId);
  return sql.transaction(async (tx) => {
    // No entry is appended between listing the seqs and recording them.
    await tx.query('SELECT pg_advisory_xact_lock($1)', [LEDGER_APPEND_LOCK]);
    const { rows } = await tx.query<{ seq: string | number }>(
      `SELECT seq FROM ledger_entries
        WHERE onboarding_id = ANY($1) AND purged_by IS NULL AND at < $2 ORDER BY seq`,
      [onboardingIds, options.cutoff.toISOString()],
    );
    const seqs = rows.map((row) => Number(row.seq));
    const purge = await appendLedgerEntryIn(tx, {
      entryId: `ledger_purged:${randomUUID()}`,
      onboardingId: null,
      runId: null,
      kind: 'ledger_purged',
      actor: options.actor,
      channel: 'cli',
      at: new Date().toISOString(),
      body: { cutoff: options.cutoff.toISOString(), retention: options.retention, onboardingIds, seqs },
    });
    await tx.query('SELECT set_config($1, $2, true)', [LEDGER_BREAK_GLASS_SETTING, 'on']);
    await tx.query(`UPDATE ledger_entries SET body = '{}'::jsonb, purged_by = $1 WHERE seq = ANY($2::bigint[])`, [
      purge.seq,
      seqs,
    ]);
    for (const table of CASE_TABLES)
      await tx.query(`DELETE FROM ${table} WHERE onboarding_id = ANY($1)`, [onboardingIds]);
    return purge;
  });
}

/** Purges every case past the cutoff, a batch per `ledger_purged` entry; those entries, in order. */
export async function purgeExpiredCases(sql: Sql, options: PurgeOptions): Promise<LedgerEntry[]> {
  const cases = await expiredCases(sql, options.cutoff);
  const batch = options.batch ?? 200;
  const purges: LedgerEntry[] = [];
  for (let i = 0; i < cases.length; i += batch) purges.push(await purgeBatch(sql, cases.slice(i, i + batch), options));
  return purges;
}

export type RelationshipEnd = { ok: true; entry: LedgerEntry } | { ok: false; problem: 'not_found' | 'not_approved' };

/**
 * Records that an approved customer's relationship ended at `endedAt`: retention runs from it.
 * Once per run: its entry ID names the case's last start, so a retry returns the same entry.
 */
export async function recordRelationshipEnd(
  sql: Sql,
  end: { onboardingId: string; actor: string | null; endedAt: string },
): Promise<RelationshipEnd> {
  const { rows } = await sql.query<{ started: string | null; decided: string | null; decision: string | null }>(
    `SELECT max(seq) FILTER (WHERE kind = 'started') AS started,
            max(seq) FILTER (WHERE kind = 'decision_recorded') AS decided,
            (array_agg(body->>'decision' ORDER BY seq DESC) FILTER (WHERE kind = 'decision_recorded'))[1] AS decision
       FROM ledger_entries WHERE onboarding_id = $1 AND purged_by IS NULL`,
    [end.onboardingId],
  );
  const summary = rows[0];
  if (!summary || (summary.started === null && summary.decided === null)) return { ok: false, problem: 'not_found' };
  const decidedSinceStart = summary.decided !== null && Number(summary.decided) > Number(summary.started ?? 0);
  if (!decidedSinceStart || summary.decision !== 'approved') return { ok: false, problem: 'not_approved' };
  const entry = await sql.transaction((tx) =>
    appendLedgerEntryIn(tx, {
      entryId: `relationship_ended:${end.onboardingId}:${summary.started ?? summary.decided}`,
      onboardingId: end.onboardingId,
      runId: null,
      kind: 'relationship_ended',
      actor: end.actor,
      channel: 'api',
      at: end.endedAt,
      body: { endedAt: end.endedAt },
    }),
  );
  return { ok: true, entry };
}

/** Where a case's relationship stands, from its ledger entries (`docs/payload-encryption.md`'s erasure rules). */
export type RelationshipState =
  | { state: 'unknown' }
  | { state: 'running' }
  | { state: 'not_approved'; decidedAt: string }
  | { state: 'active'; decidedAt: string }
  | { state: 'ended'; endedAt: string };

export async function relationshipOf(sql: Pick<Sql, 'query'>, onboardingId: string): Promise<RelationshipState> {
  const { rows } = await sql.query<{
    started: string | null;
    decided: string | null;
    decided_at: Date | string | null;
    decision: string | null;
    ended: string | null;
    ended_at: Date | string | null;
  }>(
    `SELECT max(seq) FILTER (WHERE kind = 'started') AS started,
            max(seq) FILTER (WHERE kind = 'decision_recorded') AS decided,
            max(at) FILTER (WHERE kind = 'decision_recorded') AS decided_at,
            (array_agg(body->>'decision' ORDER BY seq DESC) FILTER (WHERE kind = 'decision_recorded'))[1] AS decision,
            max(seq) FILTER (WHERE kind = 'relationship_ended') AS ended,
            min(at) FILTER (WHERE kind = 'relationship_ended') AS ended_at
       FROM ledger_entries WHERE onboarding_id = $1`,
    [onboardingId],
  );
  const row = rows[0];
  if (!row || (row.started === null && row.decided === null)) return { state: 'unknown' };
  const started = Number(row.started ?? 0);
  if (row.decided === null || Number(row.decided) < started) return { state: 'running' };
  const decidedAt = new Date(row.decided_at!).toISOString();
  if (row.decision !== 'approved') return { state: 'not_approved', decidedAt };
  if (row.ended !== null && Number(row.ended) > started)
    return { state: 'ended', endedAt: new Date(row.ended_at!).toISOString() };
  return { state: 'active', decidedAt };
}
