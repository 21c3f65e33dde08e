/**
 * `npm run bench -- --review N`: N onboardings that need a reviewer, left waiting, as a desk
 * holds them on a bad day. Prints each worker process's memory as the waiting cases pile up,
 * then how fast the review queue's page answers with all N on it.
 */
import type { InProcessSystem } from '../system/in-process';
import { REVIEWER_TOKEN } from '../system/in-process-credentials';
import type { WorkerProcess } from '../system/service-processes';
import type { BenchOptions } from './options';
import { quantile } from './report';
import { inParallel, inReview, residentMiB, seedApplicants, startThroughApi } from './support';

/** The review queue's page, `samples` times, walking pages of 50 and starting over at the end. */
async function timeQueuePage(system: InProcessSystem, samples: number): Promise<number[]> {
  const times: number[] = [];
  let pageToken: string | undefined;
  for (let i = 0; i < samples; i += 1) {
    const began = performance.now();
    const response = await fetch(
      `${system.apiUrl}/v1/onboardings?queue=review&pageSize=50${pageToken ? `&pageToken=${pageToken}` : ''}`,
      { headers: { Authorization: `Bearer ${REVIEWER_TOKEN}` } },
    );
    const page = (await response.json()) as { items: unknown[]; nextPageToken?: string };
    times.push(performance.now() - began);
    if (response.status !== 200) throw new Error(`the queue answered ${response.status}`);
    pageToken = page.nextPageToken;
  }
  return times;
}

export async function runReviewLoad(system: InProcessSystem, workers: WorkerProcess[], options: BenchOptions) {
  const target = options.review!;
  console.log(`Seeding ${target} applicants whose checks need attention…`);
  const applicants = await seedApplicants(system, target, { lastName: 'attention' });
  const memory = async () => Promise.all(workers.map((w) => residentMiB(w.child.pid)));
  const rows: { at: number; waiting: number; mib: number[] }[] = [];
  const began = Date.now();
  const sample = async () => {
    rows.push({ at: Math.round((Date.now() - began) / 1000), waiting: await inReview(system), mib: await memory() });
    const row = rows.at(-1)!;
    console.log(
      `  ${String(row.at).padStart(5)} s  ${String(row.waiting).padStart(6)} waiting  worker MiB ${row.mib.join(', ')}`,
    );
  };
  console.log(`Starting them, ${options.concurrency} requests at a time; every 10 s: cases waiting, worker memory`);
  await sample();
  const sampler = setInterval(() => void sample(), 10_000);
  try {
    let retried = 0;
    await inParallel(applicants, options.concurrency, async (applicant) => {
      retried += await startThroughApi(system, applicant);
    });
    if (retried) console.log(`  the API answered 503 to ${retried} start(s); retried`);
    const until = Date.now() + 60 * 60_000;
    while ((await inReview(system)) < target) {
      if (Date.now() > until) throw new Error('the cases did not all reach review within an hour');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  } finally {
    clearInterval(sampler);
  }
  await sample();
  // A quiet minute with every case waiting: memory should hold, not creep.
  await new Promise((resolve) => setTimeout(resolve, 60_000));
  await sample();

  const times = await timeQueuePage(system, 400);
  const quarter = rows.find((row) => row.waiting >= target / 4) ?? rows[0]!;
  const last = rows.at(-1)!;
  console.log(
    `\n${target} onboardings waiting for review, ${workers.length} worker process(es)\n` +
      `worker memory: ${rows[0]!.mib.join(', ')} MiB idle, ${quarter.mib.join(', ')} MiB at ${quarter.waiting} waiting, ` +
      `${last.mib.join(', ')} MiB at ${last.waiting} waiting (a minute later)\n` +
      `review queue page (50 rows, ${times.length} requests walking every page): ` +
      `median ${quantile(times, 0.5).toFixed(1)} ms, p95 ${quantile(times, 0.95).toFixed(1)} ms, ` +
      `max ${Math.max(...times).toFixed(1)} ms`,
  );
}
