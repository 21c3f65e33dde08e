/**
 * The ledger's commands (`npm run ledger`): verify the chain and its checkpoints, sign a
 * checkpoint, check one case's record offline. Each returns its exit code: 0 verified, 1 broken.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/config';
import { projectRoot } from '../config/paths';
import type { DecisionStore } from '../store/decision-store';
import { verifyCheckpoints, writeCheckpoint } from '../store/ledger-checkpoints';
import { yearsAfter } from '../store/ledger-purge';
import { verifyCaseRecord, type CaseRecord } from '../store/ledger-record';
import { devSigningKey, parseSigningKey, type SigningKey } from '../store/ledger-signing-key';

export interface LedgerIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Whether to report progress page by page. */
  progress: boolean;
}

/** The configured key; on the embedded (development) store, `npm start`'s key in `.data/`, made if need be. */
export function signingKeyOf(config: Config): SigningKey | undefined {
  const value =
    config.ledger.signingKey ??
    ('databaseUrl' in config.store ? undefined : devSigningKey(path.join(projectRoot(), '.data')));
  return value === undefined ? undefined : parseSigningKey(value);
}

export async function verifyCommand(
  store: DecisionStore,
  config: Config,
  io: LedgerIo,
  pageSize: number,
): Promise<number> {
  // Progress for a person watching; a scheduled run's log gets the verdict only.
  const onProgress = io.progress ? (checked: number) => io.err(`checked ${checked} entries`) : undefined;
  const chain = await store.verifyLedger({ pageSize, onProgress });
  if (!chain.ok) {
    const { seq, problem, detail } = chain.firstBroken;
    io.err(`ledger broken at seq ${seq}: ${problem} (${detail}); ${chain.count} entries before it verify`);
    return 1;
  }
  const key = config.ledger.signingKey ? parseSigningKey(config.ledger.signingKey) : undefined;
  const trusted = new Map(key ? [[key.keyId, key.publicKey]] : []);
  const { checked, findings } = await verifyCheckpoints(
    config.ledger.checkpointDir,
    { headSeq: chain.headSeq, entryAt: (seq) => store.ledgerEntryAt(seq) },
    trusted,
  );
  const first = findings[0];
  if (first) {
    io.err(`ledger broken at seq ${first.seq}: ${first.problem} (${first.detail}; checkpoint ${first.file})`);
    return 1;
  }
  io.out(`ledger verified: ${chain.count} entries, head seq ${chain.headSeq}, head hash ${chain.headHash}`);
  io.out(`checkpoints verified: ${checked} in ${config.ledger.checkpointDir}`);
  return 0;
}

export async function checkpointCommand(store: DecisionStore, config: Config, io: LedgerIo): Promise<number> {
  const key = signingKeyOf(config);
  if (!key) {
    io.err('LEDGER_SIGNING_KEY is not set: a checkpoint needs a key to sign it (docs/ledger.md)');
    return 2;
  }
  const chain = await store.verifyLedger();
  if (!chain.ok) {
    io.err(`not signing a broken ledger: seq ${chain.firstBroken.seq} is ${chain.firstBroken.problem}`);
    return 1;
  }
  if (chain.count === 0) {
    io.err('the ledger is empty: nothing to sign');
    return 1;
  }
  const file = writeCheckpoint(config.ledger.checkpointDir, { seq: chain.headSeq, hash: chain.headHash }, key);
  io.out(`checkpoint at seq ${chain.headSeq} (${chain.headHash}) signed by ${key.keyId}: ${file}`);
  return 0;
}

export function verifyRecordCommand(file: string, io: LedgerIo): number {
  const record = JSON.parse(readFileSync(file, 'utf8')) as CaseRecord;
  if (typeof record.onboardingId !== 'string' || !Array.isArray(record.entries)) {
    io.err(`${file} is not a case record ({onboardingId, entries})`);
    return 1;
  }
  const verdict = verifyCaseRecord(record);
  if (!verdict.ok) {
    io.err(`record broken at seq ${verdict.firstBroken.seq}: ${verdict.firstBroken.problem}`);
    return 1;
  }
  io.out(`record of ${record.onboardingId} verified: ${verdict.count} entries, each hash recomputed`);
  return 0;
}

/** The latest cutoff the retention allows: `years` calendar years before `now`. */
export function retentionCutoff(years: number, now = new Date()): Date {
  return yearsAfter(now, -years);
}

export interface PurgeRequest {
  /** An earlier cutoff than the retention's, to purge less; never a later one. */
  before?: string;
  dryRun: boolean;
  actor: string;
}

/**
 * Purges the content of cases whose relationship ended before the retention's cutoff (docs/ledger.md):
 * refuses a broken ledger, signs a checkpoint first where a key is configured, and records the purge.
 */
export async function purgeCommand(
  store: DecisionStore,
  config: Config,
  io: LedgerIo,
  request: PurgeRequest,
): Promise<number> {
  const years = config.ledger.retentionYears;
  const latest = retentionCutoff(years);
  const cutoff = request.before === undefined ? latest : new Date(request.before);
  if (Number.isNaN(cutoff.getTime())) return (io.err(`--before ${request.before} is not a date`), 2);
  if (cutoff > latest) {
    io.err(
      `--before ${cutoff.toISOString()} is inside the retention of ${years} years (LEDGER_RETENTION_YEARS): the latest cutoff is ${latest.toISOString()}`,
    );
    return 2;
  }
  const cases = await store.expiredCases(cutoff);
  const entries = cases.reduce((sum, c) => sum + c.entries, 0);
  io.out(`${cases.length} cases ended before ${cutoff.toISOString()}, ${entries} entries`);
  if (request.dryRun || cases.length === 0) return 0;
  // The application's role may only INSERT and SELECT on the ledger: the purge is the owner's.
  if (!(await store.mayPurge())) {
    io.err('permission denied: run the purge with a DATABASE_URL that names the database owner (docs/ledger.md)');
    return 1;
  }
  const chain = await store.verifyLedger();
  if (!chain.ok) {
    io.err(`not purging a broken ledger: seq ${chain.firstBroken.seq} is ${chain.firstBroken.problem}`);
    return 1;
  }
  if (signingKeyOf(config)) {
    const signed = await checkpointCommand(store, config, io);
    if (signed !== 0) return signed;
  }
  const purges = await store.purgeExpiredCases({ cutoff, actor: request.actor, retention: `${years} years` });
  for (const purge of purges) {
    const purged = purge.body as { onboardingIds: string[]; seqs: number[] };
    io.out(`purged ${purged.onboardingIds.length} cases, ${purged.seqs.length} entries: recorded at seq ${purge.seq}`);
  }
  return 0;
}
