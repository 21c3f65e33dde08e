/**
 * The chaos suite: onboardings through the system as separate processes (cluster.ts) while
 * ComplyCube misbehaves, webhooks go missing, twice, late and out of order, and workers, APIs
 * and the Temporal server are killed with SIGKILL; a reviewer decides what needs review. Then,
 * from outside: nothing lost, stuck, checked twice or never, decided twice or wrongly.
 */
import { Client, Connection } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { seedApplicant, type SeededApplicant } from '../../complycube-emulator/seed-applicant';
import {
  CHAOS_EMULATOR_KEY,
  CHAOS_REVIEWER_TOKEN,
  CHAOS_SERVICE_TOKEN,
  startCluster,
  type Cluster,
  type Part,
} from './cluster';

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

type Kind = 'clear' | 'attention' | 'failed';

interface Applicant extends SeededApplicant {
  index: number;
  kind: Kind;
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
  /** Requests the client and the reviewer had to retry (5xx or no answer), by status. */
  retriedRequests: Record<string, number>;
}

/** A small seeded PRNG (mulberry32): the same seed, the same workload and fault schedule. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a reviewer decides for an applicant that needs review: fixed by its index, so it can be checked. */
const expectedReview = (applicant: Applicant) => (applicant.index % 2 === 0 ? 'approve' : 'reject');

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => undefined);
  const rng = random(options.seed);
  const started = Date.now();
  const faults: Record<string, number> = {};
  const retried: Record<string, number> = {};
  const count = (table: Record<string, number>, key: string) => (table[key] = (table[key] ?? 0) + 1);

  const cluster = await startCluster({ postgresUrl: options.postgresUrl, log });
  try {
    // The applicants, seeded before any fault.
    const applicants: Applicant[] = [];
    for (let index = 0; index < options.onboardings; index += 1) {
      const roll = rng.next();
      const kind: Kind = roll < 0.7 ? 'clear' : roll < 0.9 ? 'attention' : 'failed';
      applicants.push({
        index,
        kind,
        ...(await seedApplicant(cluster.emulatorUrl, CHAOS_EMULATOR_KEY, lastName(kind))),
      });
    }
    log(`seeded ${applicants.length} applicants`);

    let finished = false;
    /**
     * A request as a careful client makes it: to either API, retried on a 5xx or no answer (the
     * reviewer's requests give up once the run is finished; the starts never do).
     */
    const send = async (method: string, path: string, token: string, body?: unknown, key?: string) => {
      for (let attempt = 0; ; attempt += 1) {
        if (finished && method === 'GET') return { status: 0, body: {} };
        const url = rng.pick(cluster.apiUrls);
        try {
          const response = await fetch(`${url}${path}`, {
            method,
            headers: {
              Authorization: `Bearer ${token}`,
              ...(body ? { 'Content-Type': 'application/json' } : {}),
              ...(key ? { 'Idempotency-Key': key } : {}),
            },
            body: body ? JSON.stringify(body) : null,
            signal: AbortSignal.timeout(10_000),
          });
          if (response.status < 500 && response.status !== 409) {
            return { status: response.status, body: (await response.json()) as Record<string, unknown> };
          }
          const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
          // 409s worth retrying: a key still in use, an onboarding changing under us.
          if (
            response.status === 409 &&
            !['idempotency_key_in_progress', 'onboarding_in_flux'].includes(String(answer.error))
          ) {
            return { status: 409, body: answer };
          }
          count(retried, String(response.status));
        } catch {
          count(retried, 'no answer');
        }
        await sleep(Math.min(5_000, 200 * 2 ** Math.min(attempt, 5)));
      }
    };

    const decided = new Set<string>();

    let faulting = true;
    const faultsDone = injectFaults(cluster, rng, faults, () => !faulting || finished, log);
    const reviewsDone = reviewLoop(applicants, send, () => finished);

    // Start every onboarding, ten at a time, each with its own idempotency key.
    for (let i = 0; i < applicants.length; i += 10) {
      await Promise.all(
        applicants.slice(i, i + 10).map(async (applicant) => {
          const { clientId, addressId, documentId, liveVideoId } = applicant;
          const reply = await send(
            'POST',
            '/v1/onboardings',
            CHAOS_SERVICE_TOKEN,
            { clientId, addressId, documentId, liveVideoId },
            `chaos-start-${clientId}`,
          );
          if (reply.status !== 201 && reply.status !== 200) {
            throw new Error(`starting ${clientId}: ${reply.status} ${JSON.stringify(reply.body)}`);
          }
        }),
      );
    }
    log(`started ${applicants.length} onboardings`);

    const store = new PgClient({ connectionString: cluster.databaseUrl });
    await store.connect();
    try {
      const faultsEnd = Date.now() + (options.faultWindowMs ?? 20_000);
      let until = Number.POSITIVE_INFINITY;
      for (;;) {
        const { rows } = await store.query<{ onboarding_id: string }>(
          'SELECT DISTINCT onboarding_id FROM onboarding_decisions',
        );
        for (const row of rows) decided.add(row.onboarding_id);
        const allDecided = decided.size >= applicants.length;
        if (faulting && (allDecided || Date.now() > faultsEnd)) {
          faulting = false;
          await faultsDone;
          // Faults still pending would go on after the window.
          await fetch(`${cluster.emulatorRoot}/_emulator/faults`, { method: 'DELETE' });
          until = Date.now() + (options.settleTimeoutMs ?? 180_000);
          log('faults stopped; settling');
        }
        if (allDecided || Date.now() > until) break;
        await sleep(1_000);
      }
      finished = true;
      await faultsDone;
      await reviewsDone;
      await fetch(`${cluster.emulatorRoot}/_emulator/faults`, { method: 'DELETE' });
      log(`decided ${decided.size} of ${applicants.length}; checking`);
      return {
        seed: options.seed,
        onboardings: applicants.length,
        durationMs: Date.now() - started,
        faults,
        retriedRequests: retried,
        ...(await verify(cluster, store, applicants)),
      };
    } finally {
      finished = true;
      await store.end();
    }
  } finally {
    await cluster.stop();
  }
}

function lastName(kind: Kind): { lastName?: string } {
  if (kind === 'attention') return { lastName: 'attention' };
  if (kind === 'failed') return { lastName: 'failed' };
  return {};
}

/** The reviewer: decides every onboarding that waits for review, as `expectedReview` says. */
async function reviewLoop(
  applicants: Applicant[],
  send: (method: string, path: string, token: string, body?: unknown, key?: string) => Promise<{ status: number }>,
  finished: () => boolean,
): Promise<void> {
  const byId = new Map(applicants.map((a) => [a.clientId, a]));
  const reviewed = new Set<string>();
  while (!finished()) {
    for (const status of ['awaiting_review', 'escalated']) {
      const page = (await send('GET', `/v1/onboardings?status=${status}&pageSize=100`, CHAOS_REVIEWER_TOKEN)) as {
        status: number;
        body: { items?: { onboardingId: string }[] };
      };
      for (const item of page.body.items ?? []) {
        const applicant = byId.get(item.onboardingId);
        if (!applicant || reviewed.has(applicant.clientId)) continue;
        const reply = await send(
          'POST',
          `/v1/onboardings/${applicant.clientId}/review`,
          CHAOS_REVIEWER_TOKEN,
          { decision: expectedReview(applicant), reason: `chaos review of #${applicant.index}` },
          `chaos-review-${applicant.clientId}`,
        );
        if (reply.status === 200 || reply.status === 202 || reply.status === 409) reviewed.add(applicant.clientId);
      }
    }
    await sleep(1_000);
  }
}

const COMPLYCUBE_FAULTS = [
  { kind: 'rate_limit', retryAfterSeconds: 0 },
  { kind: 'rate_limit', retryAfterSeconds: 1 },
  { kind: 'rate_limit' },
  { kind: 'error', status: 500 },
  { kind: 'error', status: 503 },
  { kind: 'drop_response' },
  { kind: 'delay', delayMs: 2_500 },
] as const;
const WEBHOOK_FAULTS = ['drop', 'duplicate', 'delay', 'reorder'] as const;

/** Faults every second or two until told to stop; each kill is followed by a restart. */
async function injectFaults(
  cluster: Cluster,
  rng: ReturnType<typeof random>,
  faults: Record<string, number>,
  finished: () => boolean,
  log: (line: string) => void,
): Promise<void> {
  const restarts: Promise<void>[] = [];
  const killAndRestart = async (part: Part, name: string) => {
    if (!cluster.isUp(part)) return;
    await cluster.kill(part);
    faults[name] = (faults[name] ?? 0) + 1;
    log(`kill -9 ${name}`);
    restarts.push(
      (async () => {
        await sleep(rng.int(500, 2_500));
        for (let attempt = 0; !cluster.isUp(part); attempt += 1) {
          // A worker or an API that cannot start while Temporal is away exits: try again.
          await cluster.restart(part).catch(() => sleep(1_000));
          if (attempt > 60) throw new Error(`${name} would not start again`);
        }
      })(),
    );
  };
  // Each kind of kill at least once, early, then any fault at random.
  const planned: (() => Promise<void>)[] = [
    () => killAndRestart({ kind: 'worker', index: rng.int(0, 1) }, 'worker'),
    () => killAndRestart({ kind: 'api', index: rng.int(0, 1) }, 'api'),
    () => killAndRestart({ kind: 'temporal' }, 'temporal server'),
  ].sort(() => rng.next() - 0.5);
  const control = (route: string, body: unknown) =>
    fetch(`${cluster.emulatorRoot}/_emulator${route}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });

  while (!finished()) {
    await sleep(rng.int(700, 2_000));
    if (finished()) break;
    const next = planned.shift();
    if (next) {
      await next();
      continue;
    }
    const roll = rng.next();
    if (roll < 0.45) {
      const fault = rng.pick(COMPLYCUBE_FAULTS);
      const count = rng.int(1, 3);
      await control('/faults', { ...fault, count });
      const name = `complycube ${fault.kind}${'status' in fault ? ` ${fault.status}` : ''}${'retryAfterSeconds' in fault ? ` retry-after ${fault.retryAfterSeconds}` : ''}`;
      faults[name] = (faults[name] ?? 0) + count;
    } else if (roll < 0.8) {
      const mode = rng.pick(WEBHOOK_FAULTS);
      const count = rng.int(1, 3);
      await control('/webhook-faults', { mode, count, delayMs: rng.int(500, 3_000) });
      faults[`webhook ${mode}`] = (faults[`webhook ${mode}`] ?? 0) + count;
    } else if (roll < 0.9) {
      await killAndRestart({ kind: 'worker', index: rng.int(0, 1) }, 'worker');
    } else if (roll < 0.97) {
      await killAndRestart({ kind: 'api', index: rng.int(0, 1) }, 'api');
    } else {
      await killAndRestart({ kind: 'temporal' }, 'temporal server');
    }
  }
  await Promise.all(restarts);
}

/** Checks the outcome from outside: the store, the emulator, and Temporal for what is missing. */
async function verify(cluster: Cluster, store: PgClient, applicants: Applicant[]) {
  const { rows } = await store.query<{
    onboarding_id: string;
    decision: string;
    decided_by_kind: string;
    reason: string;
  }>('SELECT onboarding_id, decision, decided_by_kind, reason FROM onboarding_decisions');
  const decisions = new Map<string, typeof rows>();
  for (const row of rows) decisions.set(row.onboarding_id, [...(decisions.get(row.onboarding_id) ?? []), row]);

  const result = {
    lost: [] as string[],
    stuck: [] as string[],
    checksTwice: [] as string[],
    checksNever: [] as string[],
    decidedTwice: [] as string[],
    wrong: [] as string[],
  };
  for (const applicant of applicants) {
    const id = applicant.clientId;
    const made = decisions.get(id) ?? [];
    if (made.length > 1) result.decidedTwice.push(id);
    if (made.length === 0) {
      // Undecided: still running is stuck; unknown to Temporal is lost.
      const response = await fetch(`${cluster.apiUrls[0]}/v1/onboardings/${id}`, {
        headers: { Authorization: `Bearer ${CHAOS_SERVICE_TOKEN}` },
      });
      if (response.status === 404) {
        result.lost.push(id);
      } else {
        // Where it stands, to say why: its status and each check's.
        const state = (await response.json().catch(() => ({}))) as {
          status?: string;
          checks?: { type: string; status: string }[];
        };
        const checks = (state.checks ?? []).map((c) => `${c.type}=${c.status}`).join(' ');
        result.stuck.push(
          `${id} (${applicant.kind}, ${response.status} ${state.status ?? ''} ${checks}; ${await pending(cluster, id)})`,
        );
      }
    } else {
      const decision = made[0]!;
      const expected =
        applicant.kind === 'clear'
          ? { decision: 'approved', decided_by_kind: 'automatic' }
          : {
              decision: expectedReview(applicant) === 'approve' ? 'approved' : 'rejected',
              decided_by_kind: 'reviewer',
            };
      if (decision.decision !== expected.decision || decision.decided_by_kind !== expected.decided_by_kind) {
        result.wrong.push(`${id} (${applicant.kind}: ${decision.decision} by ${decision.decided_by_kind})`);
      }
    }
    const listing = await fetch(`${cluster.emulatorUrl}/checks?clientId=${id}`, {
      headers: { Authorization: CHAOS_EMULATOR_KEY },
    });
    const { items } = (await listing.json()) as { items: { type: string }[] };
    for (const type of ['identity_fraud_check', 'enhanced_identity_check']) {
      const n = items.filter((check) => check.type === type).length;
      if (n > 1) result.checksTwice.push(`${id} ${type} ×${n}`);
      if (n === 0) result.checksNever.push(`${id} ${type}`);
    }
  }
  return result;
}

/** What Temporal says a stuck run waits for: its pending activities and workflow task. */
async function pending(cluster: Cluster, onboardingId: string): Promise<string> {
  const connection = await Connection.connect({ address: cluster.temporalAddress });
  try {
    const client = new Client({ connection });
    const { raw } = await client.workflow.getHandle(`onboarding-${onboardingId}`).describe();
    const activities = (raw.pendingActivities ?? []).map(
      (a) =>
        `${a.activityType?.name} state ${a.state} attempt ${a.attempt}` +
        (a.lastFailure?.message ? ` (${a.lastFailure.message.slice(0, 120)})` : ''),
    );
    const task = raw.pendingWorkflowTask
      ? `workflow task ${raw.pendingWorkflowTask.state} attempt ${raw.pendingWorkflowTask.attempt}`
      : 'no workflow task';
    const version = raw.workflowExecutionInfo?.versioningInfo?.deploymentVersion?.buildId ?? 'unversioned';
    return [...activities, task, `on ${version}`].join('; ');
  } catch (error) {
    return `describe failed: ${(error as Error).message}`;
  } finally {
    await connection.close();
  }
}

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
  ].join('\n');
}

export function chaosPassed(report: ChaosReport): boolean {
  return [report.lost, report.stuck, report.checksTwice, report.checksNever, report.decidedTwice, report.wrong].every(
    (items) => items.length === 0,
  );
}
