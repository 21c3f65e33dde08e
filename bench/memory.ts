/**
 * `npm run bench -- --memory N`: what one cached workflow costs a worker process, the product
 * beside the bare baseline at the same cache size. Each design's worker is a process of its own,
 * its cache holding N+10 workflows; N onboardings of applicants who need a reviewer are started and
 * left waiting, so all N stay in the cache. The cost of one is the growth divided by N, of two
 * measures: the process's resident memory, and the JavaScript heap its threads still use after a
 * full collection (`bench/heap-probe.cjs`). The first is what the host sees, but it moves by
 * hundreds of MiB with collections not yet run; the second is what the workflows keep. The
 * product's are started through its API and wait on its review desk; the bare baseline's run the
 * same checks, then wait for a signal (`bareAwaitingReview`).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { SeededApplicant } from '../complycube-emulator/seed-applicant';
import type { InProcessSystem } from '../system/in-process';
import { PAYLOAD_ENCRYPTION } from '../security/payload-codec';
import { EMULATOR_KEY } from '../system/in-process-credentials';
import { spawnNodeService, waitUntilReady, type WorkerProcess } from '../system/service-processes';
import type { BenchOptions } from './options';
import { checksDoneQuery, type BaselineInput } from './baselines/workflows';
import { inParallel, inReview, residentMiB, seedApplicants, startThroughApi } from './support';

/** Room beyond N in each worker's cache: the warm-up and the occasional other workflow. */
export const CACHE_HEADROOM = 10;

/** What a worker process of the comparison runs with: the heap probe in each of its threads. */
export const PROBED_WORKER_ENV = {
  NODE_OPTIONS: `--expose-gc --require ${path.join(__dirname, 'heap-probe.cjs')}`,
};

/** A worker process's memory at one moment: resident, and its threads' heap in use. */
interface Measure {
  residentMiB: number;
  heapMiB: number;
}

interface Footprint {
  design: 'product' | 'bare';
  idle: Measure;
  loaded: Measure;
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How many times each worker process's probe has been asked, by process ID: it counts its own. */
const probesAsked = new Map<number | undefined, number>();

/** The heap the worker's threads use after a full collection, as its probe reports it. */
async function heapInUseMiB(worker: WorkerProcess): Promise<number> {
  const asked = (probesAsked.get(worker.child.pid) ?? 0) + 1;
  probesAsked.set(worker.child.pid, asked);
  const answer = new RegExp(`heap-probe ${asked} (\\d+) \\d+`);
  worker.child.kill('SIGHUP');
  await waitUntilReady(worker, 'the heap probe', async () => answer.test(worker.output()), 30_000);
  return Number(answer.exec(worker.output())![1]) / 2 ** 20;
}

/** Memory once it has settled: the lowest resident memory of a few samples, then the heap in use. */
async function settled(worker: WorkerProcess): Promise<Measure> {
  await settle(5_000);
  const samples: number[] = [];
  for (let i = 0; i < 10; i += 1) {
    samples.push(await residentMiB(worker.child.pid));
    await settle(1_000);
  }
  return { residentMiB: Math.min(...samples), heapMiB: await heapInUseMiB(worker) };
}

/** How long the onboardings of one design may take to reach their wait. */
const PILE_UP_MS = 30 * 60_000;

async function productFootprint(system: InProcessSystem, worker: WorkerProcess, options: BenchOptions) {
  const n = options.memory!;
  const [warmUp] = await seedApplicants(system, 1, { lastName: 'attention' });
  await startThroughApi(system, warmUp!);
  await waitUntilReady(worker, 'the warm-up reaching review', async () => (await inReview(system)) >= 1, PILE_UP_MS);
  const idle = await settled(worker);
  const applicants = await seedApplicants(system, n, { lastName: 'attention' });
  await inParallel(
    applicants,
    options.concurrency,
    async (applicant) => void (await startThroughApi(system, applicant)),
  );
  await waitUntilReady(
    worker,
    `${n} product onboardings reaching review`,
    async () => (await inReview(system)) >= n + 1,
    PILE_UP_MS,
  );
  return { design: 'product' as const, idle, loaded: await settled(worker) };
}

async function bareFootprint(system: InProcessSystem, options: BenchOptions) {
  const n = options.memory!;
  // The bare worker has no codec: its payloads go in clear.
  PAYLOAD_ENCRYPTION.on = false;
  const taskQueue = `bench-memory-${randomBytes(4).toString('hex')}`;
  const worker = spawnNodeService('bench/baselines/worker-main.ts', {
    TEMPORAL_ADDRESS: system.temporalAddress,
    TEMPORAL_NAMESPACE: system.namespace,
    BENCH_TASK_QUEUE: taskQueue,
    COMPLYCUBE_BASE_URL: system.emulatorUrl,
    COMPLYCUBE_API_KEY: EMULATOR_KEY,
    WORKER_MAX_CACHED_WORKFLOWS: String(n + CACHE_HEADROOM),
    ...PROBED_WORKER_ENV,
  });
  try {
    await waitUntilReady(worker, 'bare worker', async () => worker.output().includes('Worker polling'), 90_000);
    const start = async (applicant: SeededApplicant) => {
      const input: BaselineInput = { ...applicant, latencyMs: options.latencyMs };
      return system.client.workflow.start('bareAwaitingReview', {
        workflowId: `bench-memory-${applicant.clientId}`,
        taskQueue,
        args: [input],
      });
    };
    const waitingAll = async (handles: Awaited<ReturnType<typeof start>>[]) => {
      for (const handle of handles) {
        await waitUntilReady(
          worker,
          'a bare onboarding finishing its checks',
          () => handle.query(checksDoneQuery),
          PILE_UP_MS,
        );
      }
    };
    const [warmUp] = await seedApplicants(system, 1, { lastName: 'attention' });
    await waitingAll([await start(warmUp!)]);
    const idle = await settled(worker);
    const applicants = await seedApplicants(system, n, { lastName: 'attention' });
    const handles: Awaited<ReturnType<typeof start>>[] = [];
    await inParallel(applicants, options.concurrency, async (applicant) => void handles.push(await start(applicant)));
    await waitingAll(handles);
    const loaded = await settled(worker);
    for (const handle of [...handles]) await handle.terminate('bench done').catch(() => undefined);
    return { design: 'bare' as const, idle, loaded };
  } finally {
    await worker.stop();
  }
}

export async function runMemoryComparison(system: InProcessSystem, workers: WorkerProcess[], options: BenchOptions) {
  const n = options.memory!;
  console.log(
    `${n} onboardings waiting for review per design, each design's worker its own process, cache ${n + CACHE_HEADROOM}`,
  );
  const rows: Footprint[] = [
    await productFootprint(system, workers[0]!, options),
    await bareFootprint(system, options),
  ];
  const perWorkflowKiB = (row: Footprint, measure: keyof Measure) =>
    ((row.loaded[measure] - row.idle[measure]) / n) * 1024;
  console.log(`\n                 resident memory (RSS)                heap in use after a full collection`);
  console.log(`design   idle      with ${n} cached   per workflow   idle      with ${n} cached   per workflow`);
  for (const row of rows) {
    const columns = (measure: keyof Measure) =>
      `${`${row.idle[measure].toFixed(0)} MiB`.padEnd(9)} ${`${row.loaded[measure].toFixed(0)} MiB`.padEnd(16)} ` +
      `${`${perWorkflowKiB(row, measure).toFixed(0)} KiB`.padEnd(14)}`;
    console.log(`${row.design.padEnd(8)} ${columns('residentMiB')} ${columns('heapMiB')}`);
  }
  const [product, bare] = rows as [Footprint, Footprint];
  const ratio = (measure: keyof Measure) =>
    (perWorkflowKiB(product, measure) / perWorkflowKiB(bare, measure)).toFixed(2);
  console.log(
    `\nproduct vs bare, per cached workflow: ${ratio('heapMiB')}× the heap in use, ` +
      `${ratio('residentMiB')}× the resident memory`,
  );
}
