/** Runs N onboardings of one design, C at a time, and measures them. */
import { randomBytes } from 'node:crypto';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import { ComplyCubeClient } from '../complycube/client';
import type { SeededApplicant } from '../complycube-emulator/seed-applicant';
import { EMULATOR_KEY, SERVICE_TOKEN, type TestSystem } from '../test/helpers/system';
import { onboardingWorkflowId } from '../workflows/onboarding-contract';
import { baselineActivities } from './baselines/activities';
import type { BaselineInput } from './baselines/workflows';
import type { BenchOptions, Design } from './options';
import type { RunRecord } from './profile';
import type { DesignResult } from './report';

/** Starts one onboarding, waits for its decision, and says which workflow ran it. */
type RunOne = (applicant: SeededApplicant) => Promise<string>;

/** How each design starts one onboarding and waits for its decision. */
export interface DesignRunner {
  runOne: RunOne;
  close(): Promise<void>;
}

/**
 * The product, started through its API as an onboarding backend would: a 503 (Temporal or the
 * store overloaded by a burst) or 429 is retried after its Retry-After, as the API asks; a start
 * is idempotent, so a retry never makes a second onboarding. `retried` counts them.
 */
export function productRunner(system: TestSystem): DesignRunner & { retried: number } {
  const runner = {
    retried: 0,
    async runOne(applicant: SeededApplicant) {
      for (let attempt = 1; ; attempt += 1) {
        const response = await fetch(`${system.apiUrl}/v1/onboardings`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${SERVICE_TOKEN}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(applicant),
        });
        // 200: a retry found the onboarding its cut-short first try had started.
        if (response.status === 201 || response.status === 200) break;
        const body = await response.text();
        if ((response.status !== 503 && response.status !== 429) || attempt === 20) {
          throw new Error(`start answered ${response.status}: ${body}`);
        }
        runner.retried += 1;
        const seconds = Number(response.headers.get('retry-after')) || 1;
        await new Promise((resolve) => setTimeout(resolve, seconds * 1000 * (0.5 + Math.random())));
      }
      const decision = (await system.client.workflow.getHandle(onboardingWorkflowId(applicant.clientId)).result()) as {
        decision: string;
      };
      if (decision.decision !== 'approved') throw new Error(`product decided ${decision.decision}`);
      return onboardingWorkflowId(applicant.clientId);
    },
    close: async () => undefined,
  };
  return runner;
}

/** A baseline's worker in this process, on a task queue of its own, and its runner. */
export async function baselineRunner(
  system: TestSystem,
  design: 'bare' | 'naive',
  options: BenchOptions,
): Promise<DesignRunner> {
  const taskQueue = `bench-${design}-${randomBytes(4).toString('hex')}`;
  // Bundled bare: no tracing interceptors, nothing but the workflows.
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('./baselines/workflows'),
    logger: new DefaultLogger('WARN'),
  });
  const worker = await Worker.create({
    connection: system.env.nativeConnection,
    namespace: system.namespace,
    taskQueue,
    workflowBundle: { code },
    activities: baselineActivities(
      new ComplyCubeClient({ baseUrl: system.emulatorUrl, apiKey: EMULATOR_KEY, timeoutMs: 10_000 }),
    ),
    ...(options.taskQueueLimit ? { maxTaskQueueActivitiesPerSecond: options.taskQueueLimit } : {}),
  });
  const running = worker.run();
  return {
    async runOne(applicant) {
      const input: BaselineInput = { ...applicant, latencyMs: options.latencyMs };
      const workflowId = `bench-${design}-${applicant.clientId}`;
      const outcome: unknown = await system.client.workflow.execute(`${design}Onboarding`, {
        workflowId,
        taskQueue,
        args: [input],
      });
      if (outcome !== 'approved') throw new Error(`${design} decided ${String(outcome)}`);
      return workflowId;
    },
    async close() {
      worker.shutdown();
      await running;
    },
  };
}

/** Seeds N applicants, runs them C at a time, and measures. */
export async function measure(
  system: TestSystem,
  design: Design,
  runner: DesignRunner,
  options: BenchOptions,
): Promise<DesignResult> {
  const emulatorRoot = system.emulatorUrl.replace(/\/v1$/, '');
  // One warm-up run: bundling, connections and caches are not what is measured.
  await runner.runOne(await system.seed());
  // Seeding is not what is measured: lift the emulator's rate limit for it, then put it back.
  const setLimit = (perSecond: number) =>
    fetch(`${emulatorRoot}/_emulator/rate-limit`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ perSecond }),
    });
  await setLimit(0);
  const applicants: SeededApplicant[] = [];
  for (let i = 0; i < options.onboardings; i += 1) applicants.push(await system.seed());
  await setLimit(options.complyCubeLimit ?? 0);
  await new Promise((resolve) => setTimeout(resolve, 1_100));

  const runs: RunRecord[] = [];
  const began = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(options.concurrency, applicants.length) }, async () => {
      while (next < applicants.length) {
        const applicant = applicants[next++]!;
        const startedAt = Date.now();
        const workflowId = await runner.runOne(applicant).catch((error: unknown) => {
          // Said at once: the teardown that follows can bury it.
          console.error(`onboarding ${applicant.clientId} failed: ${(error as Error).message}`);
          throw error;
        });
        runs.push({ workflowId, clientId: applicant.clientId, startedAt, endedAt: Date.now() });
      }
    }),
  );
  const elapsedSeconds = (Date.now() - began) / 1000;

  const ids = new Set(applicants.map((a) => a.clientId));
  const { items } = (await (await fetch(`${emulatorRoot}/_emulator/requests`)).json()) as {
    items: { route: string; status: number; clientId?: string; at: string }[];
  };
  const checkCalls = items.filter((r) => r.route.startsWith('/v1/checks') && Date.parse(r.at) >= began);
  return {
    design,
    onboardings: applicants.length,
    elapsedSeconds,
    totals: runs.map((run) => run.endedAt - run.startedAt),
    runs,
    floorMs: Math.max(options.latencyMs.identity_fraud_check, options.latencyMs.enhanced_identity_check),
    complyCubeCalls: checkCalls.filter((r) => r.status !== 429 && r.clientId && ids.has(r.clientId)).length,
    rateLimited: checkCalls.filter((r) => r.status === 429).length,
  };
}
