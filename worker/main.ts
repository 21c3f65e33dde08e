import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { createOnboardingActivities } from '../activities/onboarding-activities';
import { ComplyCubeClient } from '../complycube/client';
import { complyCubeMetricsOn } from '../observability/metrics';
import { clientInterceptors, installTracing } from '../observability/tracing';
import { prometheusTelemetry } from '../observability/worker';
import { ConfigError, loadConfig, temporalConnectionOptions } from '../config/config';
import { createLogger } from '../config/logging';
import { openDecisionStore } from '../store/decision-store';
import { createOnboardingWorker } from './create-worker';
import { describePromotion, promoteWhenPolling } from './deployment';
import { temporalLogger, temporalLogLevel } from './logging';
import { loadWorkflowBuild } from './workflow-build';
import { complyCubeTaskQueue } from '../workflows/onboarding-contract';

/** The worker process: runs onboarding workflows and their activities until SIGINT or SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.complyCube.apiKey) throw new ConfigError('invalid configuration: COMPLYCUBE_API_KEY is required');
  const log = createLogger({ level: config.logLevel, format: config.logFormat, name: 'worker' });
  Runtime.install({
    logger: temporalLogger(log, temporalLogLevel(config.logLevel)),
    telemetryOptions: {
      logging: { filter: { core: 'WARN', other: 'WARN' }, forward: {} },
      ...prometheusTelemetry(config.workerMetricsAddress),
    },
  });
  const tracing = installTracing('kyc-worker');
  if (config.workerMetricsAddress) log.info(`Metrics at http://${config.workerMetricsAddress}/metrics`);
  const build = await loadWorkflowBuild();
  const { deploymentName, autoPromote } = config.deployment;
  const buildId = config.deployment.buildId ?? build.buildId;
  const store = await openDecisionStore(config.store);
  let connection: NativeConnection | undefined;
  let clientConnection: Connection | undefined;
  try {
    connection = await NativeConnection.connect(temporalConnectionOptions(config.temporal));
    const worker = await createOnboardingWorker({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      activities: createOnboardingActivities({
        complyCube: new ComplyCubeClient({
          ...config.complyCube,
          apiKey: config.complyCube.apiKey,
          metrics: complyCubeMetricsOn(Runtime.instance().metricMeter),
        }),
        store,
      }),
      build,
      ...(tracing ? { tracing } : {}),
      deploymentName,
      buildId,
      ...config.worker,
    });
    const version = deploymentName ? `${deploymentName}:${buildId}` : `unversioned, build ${buildId}`;
    log.info(
      `ComplyCube calls on task queue "${complyCubeTaskQueue(config.temporal.taskQueue)}", ` +
        `at most ${config.worker.complyCubeRateLimit}/s across all workers (COMPLYCUBE_RATE_LIMIT)`,
    );
    log.info(
      { taskQueue: config.temporal.taskQueue, address: config.temporal.address, version },
      `Worker polling task queue "${config.temporal.taskQueue}" on ${config.temporal.address} as ${version}`,
    );
    const running = worker.run();

    if (deploymentName) {
      // Report where this version stands, and make it current if the policy says so.
      clientConnection = await Connection.connect(temporalConnectionOptions(config.temporal));
      const client = new Client({
        connection: clientConnection,
        namespace: config.temporal.namespace,
        interceptors: clientInterceptors(),
      });
      const deploymentVersion = { deploymentName, buildId };
      const stopped = new AbortController();
      void running.then(
        () => stopped.abort(),
        () => stopped.abort(),
      );
      promoteWhenPolling({
        client,
        version: deploymentVersion,
        policy: autoPromote,
        taskQueues: [config.temporal.taskQueue],
        activityTaskQueues: [complyCubeTaskQueue(config.temporal.taskQueue)],
        signal: stopped.signal,
      }).then(
        (result) => log.info({ promotion: result.kind }, describePromotion(deploymentVersion, result)),
        (error: unknown) => {
          if (stopped.signal.aborted) return;
          if (autoPromote === 'never') {
            log.error(`Could not read the state of ${version}: ${(error as Error).message}`);
            return;
          }
          // A first install that cannot promote runs nothing: fail loudly and let the supervisor retry.
          log.error(
            `Could not check or promote ${version}: ${(error as Error).message}. ` +
              'Set WORKER_AUTO_PROMOTE=never to promote by hand instead.',
          );
          process.exitCode = 1;
          worker.shutdown();
        },
      );
    }
    // The SDK shuts the worker down gracefully on SIGINT and SIGTERM; run() resolves then.
    await running;
  } finally {
    await clientConnection?.close();
    await connection?.close();
    await store.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
