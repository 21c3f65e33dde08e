/** What every bench mode needs: a worker pool over a list, seeding, starting through the API, the emulator's log. */
import { readFile } from 'node:fs/promises';
import type { SeededApplicant } from '../complycube-emulator/seed-applicant';
import type { InProcessSystem } from '../system/in-process';
import { SERVICE_TOKEN } from '../system/in-process-credentials';

/** Runs `work` on every item, `parallel` at a time, in order of the list. */
export async function inParallel<T>(items: T[], parallel: number, work: (item: T, index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index]!, index);
      }
    }),
  );
}

const emulatorRoot = (system: InProcessSystem) => system.emulatorUrl.replace(/\/v1$/, '');

/**
 * Seeds `count` applicants, 8 at a time. Seeding is not what is measured, and it takes nothing
 * from the emulator's rate limit (`POST /_emulator/applicants` is a control route).
 */
export async function seedApplicants(
  system: InProcessSystem,
  count: number,
  seed: { lastName?: string } = {},
): Promise<SeededApplicant[]> {
  const applicants = new Array<SeededApplicant>(count);
  await inParallel(applicants, 8, async (_, i) => {
    applicants[i] = await system.seed(seed);
  });
  return applicants;
}

/**
 * Starts an onboarding through the API as an onboarding backend would: a 503 (Temporal or the
 * store overloaded by a burst) or 429 is retried after its Retry-After, as the API asks; a start
 * is idempotent, so a retry never makes a second onboarding. Resolves to the retries it took.
 */
export async function startThroughApi(system: InProcessSystem, applicant: SeededApplicant): Promise<number> {
  for (let attempt = 1; ; attempt += 1) {
    const response = await fetch(`${system.apiUrl}/v1/onboardings`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${SERVICE_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(applicant),
    });
    // 200: a retry found the onboarding its cut-short first try had started.
    if (response.status === 201 || response.status === 200) return attempt - 1;
    const body = await response.text();
    if ((response.status !== 503 && response.status !== 429) || attempt === 20) {
      throw new Error(`start answered ${response.status}: ${body}`);
    }
    const seconds = Number(response.headers.get('retry-after')) || 1;
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000 * (0.5 + Math.random())));
  }
}

/** A call the emulator's ComplyCube API received. */
export interface EmulatorRequest {
  method: string;
  route: string;
  status: number;
  clientId?: string;
  at: string;
}

export async function emulatorRequests(system: InProcessSystem): Promise<EmulatorRequest[]> {
  const { items } = (await (await fetch(`${emulatorRoot(system)}/_emulator/requests`)).json()) as {
    items: EmulatorRequest[];
  };
  return items;
}

/** Resident memory of a process, in MiB, from /proc (Linux). */
export async function residentMiB(pid: number | undefined): Promise<number> {
  if (pid === undefined) return NaN;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kib = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1]);
  return Math.round(kib / 1024);
}

/** How many onboardings wait on the review queue, whatever their status there. */
export async function inReview(system: InProcessSystem): Promise<number> {
  const depth = await system.store.reviewQueueDepth();
  return depth.reduce((sum, row) => sum + row.count, 0);
}
