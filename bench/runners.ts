/** Runs N onboardings of one design, C at a time, and measures them. */
import { randomBytes } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import type { SeededApplicant } from '../complycube-emulator/seed-applicant';
import type { InProcessSystem } from '../system/in-process';
import { EMULATOR_KEY } from '../system/in-process-credentials';
import { onboardingWorkflowId } from '../workflows/onboarding-contract';
import { baselineWorkerParts } from './baselines/worker-parts';
import type { BaselineInput } from './baselines/workflows';
import type { BenchOptions, Design } from './options';
import type { RunRecord } from './profile';
import type { DesignResult } from './report';
import { emulatorRequests, inParallel, seedApplicants, startThroughApi } from './support';

/** Starts one onboarding, waits for its decision, and says which workflow ran it. */
type RunOne = (applicant: SeededApplicant) => Promise<string>;

/** How each design starts one onboarding and waits for its decision. */
export interface DesignRunner {
  runOne: RunOne;
  close(): Promise<void>;
}

/** The product, started through its API (retrying a 503 as asked); `retried` counts the retries. */
export function productRunner(system: InProcessSystem): DesignRunner & { retried: number } {
  const runner = {
    retried: 0,
    async runOne(applicant: SeededApplicant) {
      runner.retried += await startThroughApi(system, applicant);
      const workflowId = onboardingWorkflowId(applicant.clientId);
      const decision = (await system.client.workflow.getHandle(workflowId).result()) as { decision: string };
      if (decision.decision !== 'approved') throw new Error(`product decided ${decision.decision}`);
      return workflowId;
    },
    close: async () => undefined,
  };
  return runner;
}

/** A baseline's worker in this process, on a task queue of its own, and its runner. */
export async function baselineRunner(
  system: InProcessSystem,
  design: 'bare' | 'naive',
  options: BenchOptions,
): Promise<DesignRunner> {
  const taskQueue = `bench-${design}-${randomBytes(4).toString('hex')}`;
  const worker = await Worker.create({
    connection: system.env.nativeConnection,
    namespace: system.namespace,
    taskQueue,
    ...(await baselineWorkerParts({ baseUrl: system.emulatorUrl, apiKey: EMULATOR_KEY })),
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
        // A baseline that cannot run (a failing workflow task) fails the bench rather than hang it.
        workflowExecutionTimeout: '10 minutes',
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
  system: InProcessSystem,
  design: Design,
  runner: DesignRunner,
  options: BenchOptions,
): Promise<DesignResult> {
  // One warm-up run: bundling, connections and caches are not what is measured.
  await runner.runOne(await system.seed());
  const applicants = await seedApplicants(system, options.onboardings);
  // The warm-up's calls leave the emulator's one-second window before the measured ones start.
  await new Promise((resolve) => setTimeout(resolve, 1_100));

  const runs: RunRecord[] = [];
  const began = Date.now();
  await inParallel(applicants, options.concurrency, async (applicant) => {
    const startedAt = Date.now();
    const workflowId = await runner.runOne(applicant).catch((error: unknown) => {
      // Said at once: the teardown that follows can bury it.
      console.error(`onboarding ${applicant.clientId} failed: ${(error as Error).message}`);
      throw error;
    });
    runs.push({ workflowId, clientId: applicant.clientId, startedAt, endedAt: Date.now() });
  });
  const elapsedSeconds = (Date.now() - began) / 1000;

  const ids = new Set(applicants.map((a) => a.clientId));
  const requests = (await emulatorRequests(system)).filter((r) => Date.parse(r.at) >= began);
  const checkCalls = requests.filter((r) => r.route.startsWith('/v1/checks'));
  return {
    design,
    onboardings: applicants.length,
    elapsedSeconds,
    runs,
    requests,
    floorMs: Math.max(options.latencyMs.identity_fraud_check, options.latencyMs.enhanced_identity_check),
    complyCubeCalls: checkCalls.filter((r) => r.status !== 429 && r.clientId && ids.has(r.clientId)).length,
    rateLimited: checkCalls.filter((r) => r.status === 429).length,
  };
}
