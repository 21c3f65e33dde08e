/**
 * The chaos suite: onboardings through the system as separate processes (cluster.ts) while
 * ComplyCube misbehaves, webhooks go missing, twice, late and out of order, and workers, APIs
 * and the Temporal server are killed with SIGKILL; a reviewer decides what needs review. Then,
 * from outside: nothing lost, stuck, checked twice or never, decided twice or wrongly.
 */
import { Client as PgClient } from 'pg';
import { carefulClient } from './client';
import { startCluster, type Cluster } from './cluster';
import { injectFaults } from './faults';
import { random, sleep } from './random';
import { ledgerFindings } from './ledger-check';
import { verify } from './verify';
import { reviewLoop, seedApplicants, startOnboardings } from './workload';

export interface ChaosOptions {
  onboardings: number;
  seed: number;
  postgresUrl: string;
  /** How long faults go on after the last onboarding has started (default 20 s). */
  faultWindowMs?: number;
  /**
   * How long, once the faults stop, every onboarding has to be decided (default 3 min: a call that
   * failed all through the faults waits up to a minute between retries, and reviews follow).
   */
  settleTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface ChaosReport {
  seed: number;
  onboardings: number;
  durationMs: number;
  faults: Record<string, number>;
  lost: string[];
  stuck: string[];
  checksTwice: string[];
  checksNever: string[];
  decidedTwice: string[];
  wrong: string[];
  /** Where the ledger disagrees with what happened: an entry missing or doubled, or the chain broken. */
  ledger: string[];
  /** Requests the client and the reviewer had to retry (5xx or no answer), by status. */
  retriedRequests: Record<string, number>;
}

/** Where the run stands: the fault injector and the reviewer stop on these. */
interface RunState {
  faulting: boolean;
  finished: boolean;
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => undefined);
  const rng = random(options.seed);
  const started = Date.now();
  const faults: Record<string, number> = {};
  const retried: Record<string, number> = {};

  const cluster = await startCluster({ postgresUrl: options.postgresUrl, log });
  try {
    const applicants = await seedApplicants(cluster, rng, options.onboardings);
    log(`seeded ${applicants.length} applicants`);

    const run: RunState = { faulting: true, finished: false };
    const send = carefulClient(cluster, rng, retried, () => run.finished);
    const faultsDone = injectFaults(cluster, rng, faults, () => !run.faulting || run.finished, log);
    const reviewsDone = reviewLoop(applicants, send, () => run.finished);

    await startOnboardings(applicants, send);
    log(`started ${applicants.length} onboardings`);

    const store = new PgClient({ connectionString: cluster.databaseUrl });
    await store.connect();
    try {
      const decided = await awaitDecisions(store, cluster, applicants.length, run, faultsDone, options, log);
      run.finished = true;
      await faultsDone;
      await reviewsDone;
      await clearFaults(cluster);
      log(`decided ${decided.size} of ${applicants.length}; checking`);
      return {
        seed: options.seed,
        onboardings: applicants.length,
        durationMs: Date.now() - started,
        faults,
        retriedRequests: retried,
        ...(await verify(cluster, store, applicants)),
        ledger: await ledgerFindings(store, applicants),
      };
    } finally {
      run.finished = true;
      await store.end();
    }
  } finally {
    await cluster.stop();
  }
}

/**
 * Polls the store until every onboarding is decided. Faults stop once all are decided or the
 * fault window is over; from then on the rest have the settle time.
 */
async function awaitDecisions(
  store: PgClient,
  cluster: Cluster,
  onboardings: number,
  run: RunState,
  faultsDone: Promise<void>,
  options: ChaosOptions,
  log: (line: string) => void,
): Promise<Set<string>> {
  const decided = new Set<string>();
  const faultsEnd = Date.now() + (options.faultWindowMs ?? 20_000);
  let until = Number.POSITIVE_INFINITY;
  for (;;) {
    const { rows } = await store.query<{ onboarding_id: string }>(
      'SELECT DISTINCT onboarding_id FROM onboarding_decisions',
    );
    for (const row of rows) decided.add(row.onboarding_id);
    const allDecided = decided.size >= onboardings;
    if (run.faulting && (allDecided || Date.now() > faultsEnd)) {
      run.faulting = false;
      await faultsDone;
      // Faults still pending would go on after the window.
      await clearFaults(cluster);
      until = Date.now() + (options.settleTimeoutMs ?? 180_000);
      log('faults stopped; settling');
    }
    if (allDecided || Date.now() > until) return decided;
    await sleep(1_000);
  }
}

/** Drops the emulator's pending ComplyCube faults. */
const clearFaults = (cluster: Cluster) => fetch(`${cluster.emulatorRoot}/_emulator/faults`, { method: 'DELETE' });

export function describeChaos(report: ChaosReport): string {
  const list = (items: string[]) => (items.length ? `${items.length}: ${items.slice(0, 5).join(', ')}` : '0');
  const table = (counts: Record<string, number>) =>
    Object.entries(counts)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, n]) => `  ${name.padEnd(36)} ${n}`)
      .join('\n') || '  (none)';
  return [
    `chaos seed ${report.seed}: ${report.onboardings} onboardings in ${Math.round(report.durationMs / 1000)} s`,
    'faults injected:',
    table(report.faults),
    'requests the client retried (5xx or no answer):',
    table(report.retriedRequests),
    `lost ${list(report.lost)}`,
    `stuck ${list(report.stuck)}`,
    `checks created twice ${list(report.checksTwice)}`,
    `checks never created ${list(report.checksNever)}`,
    `decided twice ${list(report.decidedTwice)}`,
    `wrong decisions ${list(report.wrong)}`,
    `ledger disagreements ${list(report.ledger)}`,
  ].join('\n');
}

export function chaosPassed(report: ChaosReport): boolean {
  return [
    report.lost,
    report.stuck,
    report.checksTwice,
    report.checksNever,
    report.decidedTwice,
    report.wrong,
    report.ledger,
  ].every((items) => items.length === 0);
}
