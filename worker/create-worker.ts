import type { DataConverter } from '@temporalio/common';
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { OnboardingActivities } from '../activities/onboarding-activities';
import type { Tracing } from '../observability/tracing';
import { workerTracing } from '../observability/worker';
import type { WebhookActivities } from '../activities/webhook-activities';
import {
  complyCubeTaskQueue,
  ONBOARDING_VERSIONING_BEHAVIOR,
  webhooksTaskQueue,
  type OnboardingDecision,
  type OutboundEvent,
} from '../workflows/onboarding-contract';
import type { WorkflowBuild } from './workflow-build';

export interface OnboardingWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: OnboardingActivities;
  /**
   * Outbound webhooks: `publishEvent` and `recordDecisionWithEvents` run with the onboarding's
   * activities, the deliveries on their own queue.
   */
  webhookActivities: WebhookActivities;
  /** The workflow code to run (`loadWorkflowBuild()`); its build ID names the worker's version. */
  build: WorkflowBuild;
  /**
   * The Worker Deployment this worker is a version of (`<deploymentName>:<build ID>`); `false`
   * polls unversioned, for servers without Worker Deployments. See docs/versioning.md.
   */
  deploymentName: string | false;
  /** Overrides the build's own ID as the version's build ID. */
  buildId?: string;
  maxConcurrentActivityTaskExecutions?: number;
  maxConcurrentWorkflowTaskExecutions?: number;
  /**
   * Workflows kept in memory between their tasks (the sticky cache). Onboardings wait days for a
   * reviewer: past this many, the least recently used is evicted and replayed from its history at
   * its next task, so memory stays flat however many wait. The SDK's default, sized from the heap
   * limit (about 2,300 on a 4 GiB heap), let a worker grow past 4 GiB during a 10,000-start burst.
   */
  maxCachedWorkflows?: number;
  /**
   * The payload codec and failure converter (`security/data-converter.ts`); the SDK's defaults,
   * payloads in clear, when absent, as every release before 0.7.0 ran.
   */
  dataConverter?: DataConverter;
  /** Where the workflow's and activities' spans go (`installTracing`); discarded when absent. */
  tracing?: Tracing;
  /**
   * ComplyCube calls per second for the whole fleet: Temporal dispatches no more activity tasks
   * than this from the ComplyCube task queue, however many workers poll it. Unlimited when absent.
   */
  complyCubeRateLimit?: number;
}

/** The worker of a process: the onboarding task queue's and the ComplyCube task queue's, run as one. */
export interface OnboardingWorker {
  run(): Promise<void>;
  shutdown(): void;
  getState(): Worker['getState'] extends () => infer S ? S : never;
}

/**
 * Three SDK workers: one polls the onboarding task queue (workflows, and activities that do not call
 * ComplyCube), one the ComplyCube task queue (`startCheck`, `fetchCheck`), whose dispatch rate
 * Temporal caps fleet-wide, and one the webhooks task queue (outbound deliveries, whose receivers
 * may be slow). All are the same Worker Deployment version.
 */
export async function createOnboardingWorker(options: OnboardingWorkerOptions): Promise<OnboardingWorker> {
  const workers: Worker[] = [];
  try {
    workers.push(await createMainWorker(options));
    workers.push(
      await Worker.create({
        ...shared(options),
        taskQueue: complyCubeTaskQueue(options.taskQueue),
        activities: {
          startCheck: (input: Parameters<OnboardingActivities['startCheck']>[0]) =>
            options.activities.startCheck(input),
          fetchCheck: (checkId: string) => options.activities.fetchCheck(checkId),
        },
        ...(options.complyCubeRateLimit ? { maxTaskQueueActivitiesPerSecond: options.complyCubeRateLimit } : {}),
      }),
    );
    const webhooks = options.webhookActivities;
    workers.push(
      await Worker.create({
        ...shared(options),
        taskQueue: webhooksTaskQueue(options.taskQueue),
        activities: {
          deliverWebhook: (deliveryId: string) => webhooks.deliverWebhook(deliveryId),
          markDeliveryFailed: (deliveryId: string, error: string) => webhooks.markDeliveryFailed(deliveryId, error),
        },
      }),
    );
  } catch (error) {
    for (const worker of workers) await worker.runUntil(Promise.resolve()).catch(() => undefined);
    throw error;
  }
  const [main] = workers as [Worker, ...Worker[]];
  const shutdown = () => {
    for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
  };
  return {
    async run() {
      // One stopping stops the others: a process never runs part of a worker.
      const runs = workers.map((worker) => worker.run());
      for (const run of runs) void run.then(shutdown, shutdown);
      const results = await Promise.allSettled(runs);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
    shutdown,
    getState: () => main.getState(),
  };
}

/** What both workers of a process share: the connection, the version, tracing, activity slots. */
function shared(options: OnboardingWorkerOptions) {
  const buildId = options.buildId ?? options.build.buildId;
  const versioning: Pick<WorkerOptions, 'workerDeploymentOptions'> = options.deploymentName
    ? {
        workerDeploymentOptions: {
          version: { deploymentName: options.deploymentName, buildId },
          useWorkerVersioning: true,
          defaultVersioningBehavior: ONBOARDING_VERSIONING_BEHAVIOR,
        },
      }
    : {};
  return {
    connection: options.connection,
    namespace: options.namespace,
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    ...versioning,
    ...workerTracing(options.tracing),
    ...(options.maxConcurrentActivityTaskExecutions
      ? { maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions }
      : {}),
  };
}

function createMainWorker(options: OnboardingWorkerOptions): Promise<Worker> {
  return Worker.create({
    ...shared(options),
    taskQueue: options.taskQueue,
    activities: {
      ...options.activities,
      publishEvent: (event: OutboundEvent) => options.webhookActivities.publishEvent(event),
      recordDecisionWithEvents: (decision: OnboardingDecision, events: OutboundEvent[]) =>
        options.webhookActivities.recordDecisionWithEvents(decision, events),
    },
    workflowBundle: { code: options.build.code },
    ...(options.maxCachedWorkflows ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
    ...(options.maxConcurrentWorkflowTaskExecutions
      ? { maxConcurrentWorkflowTaskExecutions: options.maxConcurrentWorkflowTaskExecutions }
      : {}),
  });
}
