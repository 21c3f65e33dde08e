import { type NativeConnection, Worker } from '@temporalio/worker';
import type { OnboardingActivities } from '../activities/onboarding-activities';
import { ONBOARDING_VERSIONING_BEHAVIOR } from '../workflows/onboarding-contract';
import type { WorkflowBuild } from './workflow-build';

export interface OnboardingWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: OnboardingActivities;
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
}

export function createOnboardingWorker(options: OnboardingWorkerOptions): Promise<Worker> {
  const buildId = options.buildId ?? options.build.buildId;
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    workflowBundle: { code: options.build.code },
    ...(options.deploymentName
      ? {
          workerDeploymentOptions: {
            version: { deploymentName: options.deploymentName, buildId },
            useWorkerVersioning: true,
            defaultVersioningBehavior: ONBOARDING_VERSIONING_BEHAVIOR,
          },
        }
      : {}),
    ...(options.maxConcurrentActivityTaskExecutions
      ? { maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions }
      : {}),
    ...(options.maxConcurrentWorkflowTaskExecutions
      ? { maxConcurrentWorkflowTaskExecutions: options.maxConcurrentWorkflowTaskExecutions }
      : {}),
  });
}
