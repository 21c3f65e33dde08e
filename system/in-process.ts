/**
 * The whole system in one process: a real Temporal dev server (or an existing server), the
 * ComplyCube emulator, the decision store, the API on real HTTP and a worker, wired by the
 * composition root from configuration as the processes are. The tests, `npm run fuzz` and the
 * bench each run one.
 */
import { randomBytes } from 'node:crypto';
import { type Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { apiConnectionOptions } from '../api/temporal-connection';
import type { ApiOptions } from '../api/app';
import { createEmulator, type Emulator, type EmulatorOptions } from '../complycube-emulator/emulator';
import { registerWebhook } from '../complycube-emulator/seed-applicant';
import { startEmulatorProcess } from './emulator-process';
import { loadConfig } from '../config/config';
import { DEV_SERVER_DYNAMIC_CONFIG } from '../dev/dev-server';
import { temporalCliExecutable } from '../dev/temporal-cli';
import type { Tracing } from '../observability/tracing';
import { dataConverter } from '../security/data-converter';
import { parseCodecKeyring } from '../security/payload-codec';
import { LOOPBACK_CIDRS } from '../webhooks/address-guard';
import { openDecisionStore, type DecisionStore } from '../store/decision-store';
import type { OnboardingWorker } from '../worker/create-worker';
import { onboardingStatusSearchAttribute } from '../workflows/onboarding-contract';
import { composeApi, composeWorker, promoteWorkerVersion, temporalClient, type SystemConfig } from './compose';
import {
  AUDITOR_TOKEN,
  EMULATOR_KEY,
  OTHER_REVIEWER_TOKEN,
  PAYLOAD_CODEC_KEYS,
  REVIEW_ASSERTION_KEYS,
  REVIEWER_TOKEN,
  SENIOR_REVIEWER_TOKEN,
  SERVICE_TOKEN,
} from './in-process-credentials';
import { installInProcessRuntime, workflowBuild } from './in-process-runtime';
import { systemProbes, type SystemProbes } from './in-process-probes';

/** The Worker Deployment the in-process workers are versions of. */
export const IN_PROCESS_DEPLOYMENT = 'kyc-onboarding';

export interface InProcessSystemOptions {
  /** An existing Temporal server and namespace; else a dev server of the system's own. */
  temporal?: { address: string; namespace: string } | undefined;
  /** Use PostgreSQL for the decision store; else embedded PGlite in memory. */
  databaseUrl?: string;
  emulator?: EmulatorOptions;
  /** Run the emulator in a process of its own (`system/emulator-process.ts`), as the bench does. */
  emulatorProcess?: boolean;
  /** Run a worker in this process (default true), as a version of `IN_PROCESS_DEPLOYMENT` made current at once. */
  worker?: boolean;
  /** The store as the worker's activities see it (a slow store, say); the API sees the real one. */
  activityStore?: (store: DecisionStore) => DecisionStore;
  /**
   * The API's policy for onboardings it starts (`DEFAULT_POLICY` if absent), its console sessions'
   * length, and its logger (silent if absent): a test that reads what the API logged gives one.
   */
  api?: Partial<Pick<ApiOptions, 'policy' | 'sessionTtlMs' | 'logger'>>;
  /** Where the worker's workflow and activity spans go (`installTracing`). */
  tracing?: Tracing;
  /** The fleet-wide cap on ComplyCube calls per second (unlimited when absent). */
  complyCubeRateLimit?: number;
  /** More configuration, as variables (`OIDC_*`, `SIGN_IN_*`, `API_TRUST_PROXY`…), over the system's own. */
  env?: Record<string, string>;
  /** The API's port (default: any free one). */
  apiPort?: number;
}

/** A running in-process system and the calls that drive it. */
export interface InProcessSystem extends SystemProbes {
  env: TestWorkflowEnvironment;
  client: Client;
  namespace: string;
  /** Temporal's frontend, `host:port`. */
  temporalAddress: string;
  taskQueue: string;
  emulator: Pick<Emulator, 'close'>;
  emulatorUrl: string;
  store: DecisionStore;
  api: FastifyInstance;
  apiUrl: string;
  webhookSecret: string;
  /** The emulator's webhook pointing at this API. */
  webhookId: string;
  worker?: OnboardingWorker;
  close(): Promise<void>;
}

export async function startInProcessSystem(options: InProcessSystemOptions = {}): Promise<InProcessSystem> {
  installInProcessRuntime();
  // The tests' own client decodes what the system's codec encrypts (docs/payload-encryption.md).
  const client = {
    dataConverter: dataConverter(parseCodecKeyring(options.env?.PAYLOAD_CODEC_KEYS ?? PAYLOAD_CODEC_KEYS)),
  };
  const env = options.temporal
    ? await TestWorkflowEnvironment.createFromExistingServer({ ...options.temporal, client })
    : await TestWorkflowEnvironment.createLocal({
        client,
        server: {
          executable: temporalCliExecutable(),
          searchAttributes: [onboardingStatusSearchAttribute],
          extraArgs: DEV_SERVER_DYNAMIC_CONFIG,
        },
      });
  const namespace = options.temporal?.namespace ?? 'default';
  const taskQueue = `onboarding-test-${randomBytes(4).toString('hex')}`;
  const emulatorOptions: EmulatorOptions = {
    apiKeys: [EMULATOR_KEY],
    rateLimitPerSecond: 0,
    checkLatencyMs: { identity_fraud_check: 200, enhanced_identity_check: 400 },
    webhookRetryTimeScale: 0.0001,
    ...options.emulator,
  };
  const { emulator, emulatorUrl } = options.emulatorProcess
    ? await startEmulatorProcess(emulatorOptions).then((process) => ({ emulator: process, emulatorUrl: process.url }))
    : await inThisProcess(emulatorOptions);
  const store = await openDecisionStore(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {});
  const config = inProcessConfig({ address: env.address, namespace, taskQueue, emulatorUrl }, options);

  let webhookSecret = '';
  // The API's own connection, configured as in production (it gives up quickly on an outage).
  const apiConnection = await Connection.connect(apiConnectionOptions(config.temporal.connection));
  const api = await composeApi(config, {
    temporal: temporalClient(apiConnection, namespace, config.payloadCodecKeys),
    store,
    webhookSecret: () => webhookSecret,
    overrides: { ...options.api, logLevel: 'silent', temporalDeadlineMs: 3_000 },
  });
  const apiUrl = await api.listen({ port: options.apiPort ?? 0, host: '127.0.0.1' });
  const registered = await registerWebhook(emulatorUrl, EMULATOR_KEY, `${apiUrl}/webhooks/complycube`);
  webhookSecret = registered.secret;

  let worker: OnboardingWorker | undefined;
  let workerRun: Promise<void> | undefined;
  if (options.worker !== false) {
    const build = await workflowBuild();
    worker = await composeWorker(config, {
      connection: env.nativeConnection,
      temporal: env.client,
      store,
      build,
      tracing: options.tracing,
      activityStore: options.activityStore,
    });
    workerRun = worker.run();
    await promoteWorkerVersion(config, { client: env.client, buildId: build.buildId, policy: 'always' });
  }

  return {
    ...systemProbes({ client: env.client, taskQueue, emulatorUrl, store }),
    env,
    client: env.client,
    namespace,
    temporalAddress: env.address,
    taskQueue,
    emulator,
    emulatorUrl,
    store,
    api,
    apiUrl,
    get webhookSecret() {
      return webhookSecret;
    },
    webhookId: registered.id,
    ...(worker ? { worker } : {}),
    async close() {
      worker?.shutdown();
      await workerRun?.catch(() => undefined);
      await api.close();
      await apiConnection.close();
      await emulator.close();
      await store.close();
      await env.teardown();
    },
  };
}

/**
 * The in-process system's configuration, read by `loadConfig` as a process's is: its own server,
 * task queue, emulator and tokens. Only what no variable says is set afterwards.
 */
function inProcessConfig(
  at: { address: string; namespace: string; taskQueue: string; emulatorUrl: string },
  options: InProcessSystemOptions,
): SystemConfig {
  const config = loadConfig({
    TEMPORAL_ADDRESS: at.address,
    TEMPORAL_NAMESPACE: at.namespace,
    TEMPORAL_TASK_QUEUE: at.taskQueue,
    TEMPORAL_DEPLOYMENT_NAME: IN_PROCESS_DEPLOYMENT,
    COMPLYCUBE_BASE_URL: at.emulatorUrl,
    COMPLYCUBE_API_KEY: EMULATOR_KEY,
    COMPLYCUBE_TIMEOUT_MS: '2000',
    API_SERVICE_TOKENS: `test-backend:${SERVICE_TOKEN}`,
    API_REVIEWER_TOKENS: `reviewer-alice:${REVIEWER_TOKEN},reviewer-bob:${OTHER_REVIEWER_TOKEN}`,
    API_SENIOR_REVIEWER_TOKENS: `senior-carol:${SENIOR_REVIEWER_TOKEN}`,
    API_AUDITOR_TOKENS: `auditor-dan:${AUDITOR_TOKEN}`,
    REVIEW_ASSERTION_KEYS,
    PAYLOAD_CODEC_KEYS,
    // The tests' webhook receivers listen on this machine.
    OUTBOUND_WEBHOOK_ALLOWED_CIDRS: LOOPBACK_CIDRS.join(','),
    ...options.env,
  });
  // Unlimited unless asked: the emulator's key would otherwise get the sandbox's 5/s.
  return { ...config, worker: { ...config.worker, complyCubeRateLimit: options.complyCubeRateLimit } };
}

async function inThisProcess(options: EmulatorOptions) {
  const emulator = createEmulator(options);
  return { emulator, emulatorUrl: await emulator.listen() };
}
