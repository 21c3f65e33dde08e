/**
 * Workers of a chosen workflow build in the test process, for the upgrade tests: each a version
 * of the test deployment with the product's activities on the test system, made current once it
 * polls. `stopAll` ends every one still running.
 */
import type { DataConverter } from '@temporalio/common';
import { createOnboardingActivities } from '../../activities/onboarding-activities';
import { ComplyCubeClient } from '../../complycube/client';
import { EMULATOR_KEY, PAYLOAD_CODEC_KEYS } from '../../system/in-process-credentials';
import { createOnboardingWorker, type OnboardingWorker } from '../../worker/create-worker';
import { promoteWhenPolling } from '../../worker/deployment';
import type { WorkflowBuild } from '../../worker/workflow-build';
import { createWebhookActivities } from '../../activities/webhook-activities';
import { parseCodecKeyring } from '../../security/payload-codec';
import { LOOPBACK_CIDRS, parseAllowedCidrs } from '../../webhooks/address-guard';
import { endpointSecrets } from '../../webhooks/endpoint-secrets';
import { startDeliveryWorkflow } from '../../webhooks/start-delivery';
import { complyCubeTaskQueue, webhooksTaskQueue } from '../../workflows/onboarding-contract';
import { TEST_KEYRING } from './review-assertions';
import { TEST_DEPLOYMENT, type TestSystem } from './system';

/** The outbound webhooks' activities on a test system, as the product wires them (loopback receivers allowed). */
export function testWebhookActivities({
  store,
  client,
  taskQueue,
}: Pick<TestSystem, 'store' | 'client' | 'taskQueue'>) {
  return createWebhookActivities({
    store,
    secrets: endpointSecrets(parseCodecKeyring(PAYLOAD_CODEC_KEYS)),
    startDelivery: async (deliveryId) => {
      await startDeliveryWorkflow(client, { taskQueue, deliveryId, retryFor: '72h' });
    },
    allowedCidrs: parseAllowedCidrs(LOOPBACK_CIDRS.join(',')),
    timeoutMs: 5_000,
  });
}

export function buildWorkers(system: () => TestSystem) {
  const started: { worker: OnboardingWorker; run: Promise<void> }[] = [];
  return {
    /** A current worker of `build` (with `dataConverter`, or the SDK's default); resolves to its stop. */
    async start(build: WorkflowBuild, dataConverter?: DataConverter): Promise<() => Promise<void>> {
      const { env, taskQueue, emulatorUrl, store, client } = system();
      const worker = await createOnboardingWorker({
        connection: env.nativeConnection,
        namespace: system().namespace,
        taskQueue,
        build,
        ...(dataConverter ? { dataConverter } : {}),
        deploymentName: TEST_DEPLOYMENT,
        activities: createOnboardingActivities({
          complyCube: new ComplyCubeClient({ baseUrl: emulatorUrl, apiKey: EMULATOR_KEY, timeoutMs: 2_000 }),
          store,
          reviewKeys: TEST_KEYRING,
        }),
        webhookActivities: testWebhookActivities(system()),
      });
      const entry = { worker, run: worker.run() };
      started.push(entry);
      await promoteWhenPolling({
        client,
        version: { deploymentName: TEST_DEPLOYMENT, buildId: build.buildId },
        policy: 'always',
        taskQueues: [taskQueue],
        activityTaskQueues: [complyCubeTaskQueue(taskQueue), webhooksTaskQueue(taskQueue)],
      });
      return async () => {
        worker.shutdown();
        await entry.run;
      };
    },
    async stopAll(): Promise<void> {
      for (const { worker, run } of started) {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await run.catch(() => undefined);
      }
    },
  };
}
