/**
 * `npm run bench -- --memory N`: what one cached workflow costs a worker process, the product
 * beside the bare baseline at the same cache size. Each design's worker is a process of its own,
 * its cache holding N+10 workflows; N onboardings of applicants who need a reviewer are started and
 * left waiting, so all N stay in the cache; the worker's resident memory before and after, divided
 * by N, is the cost of one. The product's are started through its API and wait on its review desk;
 * the bare baseline's run the same checks, then wait for a signal (`bareAwaitingReview`).
 */
import { randomBytes } from 'node:crypto';
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

interface Footprint {
  design: 'product' | 'bare';
  idleMiB: number;
  loadedMiB: number;
  perWorkflowMiB: number;
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resident memory once it has settled: the lowest of a few samples a second apart. */
async function settledMiB(pid: number | undefined): Promise<number> {
  await settle(5_000);
  const samples: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    samples.push(await residentMiB(pid));
    await settle(1_000);
  }
  return Math.min(...samples);
}

/** How long the onboardings of one design may take to reach their wait. */
const PILE_UP_MS = 30 * 60_000;

async function productFootprint(system: InProcessSystem, worker: WorkerProcess, options: BenchOptions) {
  const n = options.memory!;
  const [warmUp] = await seedApplicants(system, 1, { lastName: 'attention' });
  await startThroughApi(system, warmUp!);
  await waitUntilReady(worker, 'the warm-up reaching review', async () => (await inReview(system)) >= 1, PILE_UP_MS);
  const idleMiB = await settledMiB(worker.child.pid);
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
  const loadedMiB = await settledMiB(worker.child.pid);
  return { design: 'product' as const, idleMiB, loadedMiB, perWorkflowMiB: (loadedMiB - idleMiB) / n };
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
    const idleMiB = await settledMiB(worker.child.pid);
    const applicants = await seedApplicants(system, n, { lastName: 'attention' });
    const handles: Awaited<ReturnType<typeof start>>[] = [];
    await inParallel(applicants, options.concurrency, async (applicant) => void handles.push(await start(applicant)));
    await waitingAll(handles);
    const loadedMiB = await settledMiB(worker.child.pid);
    for (const handle of [...handles]) await handle.terminate('bench done').catch(() => undefined);
    return { design: 'bare' as const, idleMiB, loadedMiB, perWorkflowMiB: (loadedMiB - idleMiB) / n };
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
  console.log(`\ndesign   worker RSS idle   with ${n} cached   per cached workflow`);
  for (const row of rows) {
    console.log(
      `${row.design.padEnd(8)} ${`${row.idleMiB} MiB`.padEnd(17)} ${`${row.loadedMiB} MiB`.padEnd(16)} ` +
        `${(row.perWorkflowMiB * 1024).toFixed(0)} KiB`,
    );
  }
  const [product, bare] = rows as [Footprint, Footprint];
  console.log(
    `\nproduct vs bare: ${(product.perWorkflowMiB / bare.perWorkflowMiB).toFixed(2)}× the memory per cached workflow`,
  );
}
