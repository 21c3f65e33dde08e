import { NativeConnection } from '@temporalio/worker';
import { createOnboardingActivities } from '../activities/onboarding-activities';
import { ComplyCubeClient } from '../complycube/client';
import { ConfigError, loadConfig } from '../config/config';
import { openDecisionStore } from '../store/decision-store';
import { createOnboardingWorker, temporalConnectionOptions } from './create-worker';

/** The worker process: runs onboarding workflows and their activities until SIGINT or SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.complyCube.apiKey) throw new ConfigError('invalid configuration: COMPLYCUBE_API_KEY is required');
  const store = await openDecisionStore(config.store);
  let connection: NativeConnection | undefined;
  try {
    connection = await NativeConnection.connect(temporalConnectionOptions(config.temporal));
    const worker = await createOnboardingWorker({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      activities: createOnboardingActivities({
        complyCube: new ComplyCubeClient({ ...config.complyCube, apiKey: config.complyCube.apiKey }),
        store,
      }),
      ...config.worker,
    });
    console.log(`Worker polling task queue "${config.temporal.taskQueue}" on ${config.temporal.address}`);
    // The SDK shuts the worker down gracefully on SIGINT and SIGTERM; run() resolves then.
    await worker.run();
  } finally {
    await connection?.close();
    await store.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
