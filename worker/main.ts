import { Connection, type Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { installTracing } from '../observability/tracing';
import { ConfigError, loadConfig } from '../config/config';
import { createLogger } from '../config/logging';
import { refusePlaceholders, WORKER_SECRETS } from '../config/placeholders';
import { openDecisionStore } from '../store/decision-store';
import {
  complyCubeClient,
  composeWorker,
  promoteWorkerVersion,
  temporalClient,
  workerBuildId,
  type SystemConfig,
} from '../system/compose';
import { installWorkerRuntime } from '../system/worker-runtime';
import { complyCubeTaskQueue, webhooksTaskQueue } from '../workflows/onboarding-contract';
import type { OnboardingWorker } from './create-worker';
import { describePromotion } from './deployment';
import { ensureLedgerSchedule, LEDGER_SCHEDULE_ID } from './ledger-schedule';
import { temporalLogger, temporalLogLevel } from './logging';
import { loadWorkflowBuild } from './workflow-build';

/** The worker process: runs onboarding workflows and their activities until SIGINT or SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig();
  refusePlaceholders(process.env, WORKER_SECRETS);
  complyCubeClient(config.complyCube); // Refuses a missing key before anything starts.
  if (!config.payloadCodecKeys) {
    throw new ConfigError(
      'invalid configuration: PAYLOAD_CODEC_KEYS is required: the worker encrypts every payload it sends to Temporal (docs/payload-encryption.md)',
    );
  }
  if (!config.reviewKeys) {
    throw new ConfigError(
      'invalid configuration: REVIEW_ASSERTION_KEYS is required: the worker verifies every review action with it (docs/security.md)',
    );
  }
  const log = createLogger({ level: config.logLevel, format: config.logFormat, name: 'worker' });
  installWorkerRuntime({
    logger: temporalLogger(log, temporalLogLevel(config.logLevel)),
    metricsAddress: config.workerMetricsAddress,
  });
  const tracing = installTracing('kyc-worker');
  if (config.workerMetricsAddress) log.info(`Metrics at http://${config.workerMetricsAddress}/metrics`);
  const build = await loadWorkflowBuild();
  const store = await openDecisionStore(config.store);
  let connection: NativeConnection | undefined;
  let clientConnection: Connection | undefined;
  try {
    connection = await NativeConnection.connect(config.temporal.connection);
    clientConnection = await Connection.connect(config.temporal.connection);
    const temporal = temporalClient(clientConnection, config.temporal.namespace, config.payloadCodecKeys);
    const worker = await composeWorker(config, { connection, temporal, store, build, tracing });
    const buildId = workerBuildId(config, build);
    const { deploymentName } = config.deployment;
    const version = deploymentName ? `${deploymentName}:${buildId}` : `unversioned, build ${buildId}`;
    const { taskQueue, address } = config.temporal;
    log.info(
      `ComplyCube calls on task queue "${complyCubeTaskQueue(taskQueue)}", ` +
        `at most ${config.worker.complyCubeRateLimit}/s across all workers (COMPLYCUBE_RATE_LIMIT)`,
    );
    const allowed = config.webhooks.allowedCidrs.entries;
    log.info(
      `Outbound webhooks on task queue "${webhooksTaskQueue(taskQueue)}", retried for ${config.webhooks.retryFor}; ` +
        `private receivers allowed: ${allowed.length ? allowed.join(', ') : 'none'} (OUTBOUND_WEBHOOK_ALLOWED_CIDRS)`,
    );
    log.info({ taskQueue, address, version }, `Worker polling task queue "${taskQueue}" on ${address} as ${version}`);
    const running = worker.run();
    if (deploymentName) reportVersion(config, { worker, running, client: temporal, buildId, version, log });
    const { signingKey, checkpointEvery } = config.ledger;
    if (signingKey && checkpointEvery !== 'off') {
      ensureLedgerSchedule(temporal, { taskQueue, every: checkpointEvery }).then(
        (result) => log.info(`Ledger checkpoint schedule ${LEDGER_SCHEDULE_ID}: ${result}, every ${checkpointEvery}`),
        (error: unknown) => log.error(`Could not set up the ledger checkpoint schedule: ${(error as Error).message}`),
      );
    }
    // The SDK shuts the worker down gracefully on SIGINT and SIGTERM; run() resolves then.
    await running;
  } finally {
    await clientConnection?.close();
    await connection?.close();
    await store.close();
    await tracing?.shutdown().catch(() => undefined);
  }
}

/** Reports where this version stands, and makes it current if WORKER_AUTO_PROMOTE says so. */
function reportVersion(
  config: SystemConfig,
  context: {
    worker: OnboardingWorker;
    running: Promise<void>;
    client: Client;
    buildId: string;
    version: string;
    log: ReturnType<typeof createLogger>;
  },
): void {
  const { worker, running, buildId, version, log } = context;
  const { deploymentName, autoPromote } = config.deployment;
  const stopped = new AbortController();
  void running.then(
    () => stopped.abort(),
    () => stopped.abort(),
  );
  const { client } = context;
  promoteWorkerVersion(config, { client, buildId, policy: autoPromote, signal: stopped.signal }).then(
    (result) =>
      log.info(
        { promotion: result.kind },
        describePromotion({ deploymentName: deploymentName || '', buildId }, result),
      ),
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

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
