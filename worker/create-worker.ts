import { existsSync } from 'node:fs';
import path from 'node:path';
import { type NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import type { OnboardingActivities } from '../activities/onboarding-activities';
import type { Config } from '../config/config';

export interface OnboardingWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: OnboardingActivities;
  /** A prebuilt workflow bundle (tests build one and share it); else the build step's, else bundled now. */
  workflowBundle?: WorkflowBundleOption;
  maxConcurrentActivityTaskExecutions?: number;
  maxConcurrentWorkflowTaskExecutions?: number;
}

/** The path Temporal's bundler starts from: it registers every workflow exported there. */
export const WORKFLOWS_PATH = require.resolve('../workflows');

/** Where the build step writes the prebuilt bundle: beside the compiled `worker/` folder. */
export const WORKFLOW_BUNDLE_PATH = path.resolve(__dirname, '..', 'workflow-bundle.js');

/** The prebuilt bundle when the build step made one (production images), else bundle at start. */
function defaultWorkflowBundle(): WorkflowBundleOption | undefined {
  return existsSync(WORKFLOW_BUNDLE_PATH) && __filename.endsWith('.js')
    ? { codePath: WORKFLOW_BUNDLE_PATH }
    : undefined;
}

export function createOnboardingWorker(options: OnboardingWorkerOptions): Promise<Worker> {
  const workflowBundle = options.workflowBundle ?? defaultWorkflowBundle();
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    ...(workflowBundle ? { workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    ...(options.maxConcurrentActivityTaskExecutions
      ? { maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions }
      : {}),
    ...(options.maxConcurrentWorkflowTaskExecutions
      ? { maxConcurrentWorkflowTaskExecutions: options.maxConcurrentWorkflowTaskExecutions }
      : {}),
  });
}

/** Connection options for Temporal, local or Cloud (TLS client certificate or API key). */
export function temporalConnectionOptions(config: Config['temporal']) {
  return {
    address: config.address,
    ...(config.tls ? { tls: config.tls } : {}),
    ...(config.apiKey ? { apiKey: config.apiKey } : {}),
  };
}
