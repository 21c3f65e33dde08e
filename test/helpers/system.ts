/**
 * The whole system for tests: a real Temporal dev server (the CLI found or built by
 * `npm test`), the ComplyCube emulator, the decision store, the API on real HTTP, and a
 * worker — all in this process, each test file with its own.
 */
import { randomBytes } from 'node:crypto';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime, DefaultLogger, type Logger } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { createOnboardingActivities } from '../../activities/onboarding-activities';
import { createApi, type ApiOptions } from '../../api/app';
import { apiConnectionOptions } from '../../api/temporal-connection';
import { ComplyCubeClient } from '../../complycube/client';
import { createEmulator, type Emulator, type EmulatorOptions } from '../../complycube-emulator/emulator';
import { registerWebhook, seedApplicant, type SeededApplicant } from '../../complycube-emulator/seed-applicant';
import { DEV_SERVER_DYNAMIC_CONFIG } from '../../dev/dev-server';
import { temporalCliExecutable } from '../../dev/temporal-cli';
import { complyCubeMetricsOn } from '../../observability/metrics';
import { clientInterceptors, type Tracing } from '../../observability/tracing';
import { prometheusTelemetry } from '../../observability/worker';
import { openDecisionStore, type DecisionStore } from '../../store/decision-store';
import type { ReviewCase } from '../../workflows/onboarding-contract';
import { createOnboardingWorker, type OnboardingWorker } from '../../worker/create-worker';
import { promoteWhenPolling } from '../../worker/deployment';
import { bundleWorkflows, type WorkflowBuild } from '../../worker/workflow-build';
import {
  WORKFLOW_TYPE,
  complyCubeTaskQueue,
  onboardingStatusSearchAttribute,
  onboardingWorkflowId,
  type OnboardingDecision,
  type OnboardingInput,
  type PolicyOverrides,
  type OnboardingState,
} from '../../workflows/onboarding-contract';

export const EMULATOR_KEY = 'test_system_key';
export const SERVICE_TOKEN = 'service-token-0123456789abcdef';
export const REVIEWER_TOKEN = 'reviewer-token-0123456789abcdef';
export const OTHER_REVIEWER_TOKEN = 'reviewer-token-fedcba9876543210';
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Set by `npm run test:production`: the Temporal server of the production topology, its
 * namespace, and the app's environment from docker-compose.yml, which the worker and API
 * processes start with. Without them each test file starts its own dev server.
 */
export const EXTERNAL_TEMPORAL = process.env.TEST_TEMPORAL_ADDRESS
  ? { address: process.env.TEST_TEMPORAL_ADDRESS, namespace: process.env.TEST_TEMPORAL_NAMESPACE ?? 'default' }
  : undefined;
export const APP_ENV: Record<string, string> = process.env.TEST_APP_ENV
  ? (JSON.parse(process.env.TEST_APP_ENV) as Record<string, string>)
  : {};

/** Fast timings for tests; production defaults are days. */
export const FAST_POLICY = {
  checkTimeout: '30s',
  reviewSla: '1h',
  reviewExpiry: '2h',
  pollInterval: '10s',
  maxPollInterval: '10s',
  callTimeout: '5s',
} as const;

let build: Promise<WorkflowBuild> | undefined;
/** The workflow code and its build ID, bundled once per test process. */
export function workflowBuild(): Promise<WorkflowBuild> {
  build ??= bundleWorkflows();
  return build;
}

let runtimeInstalled = false;
/**
 * The SDK runtime of this test process, installed once: worker and core logs at WARN and above,
 * to the console or to `logger` (a test that reads what its workers logged must install first).
 */
export function installTestRuntime(logger?: Logger, options: { metricsAddress?: string } = {}): void {
  if (runtimeInstalled) {
    if (logger || options.metricsAddress) {
      throw new Error('the test runtime is installed already; install it with the logger or metrics first');
    }
    return;
  }
  runtimeInstalled = true;
  // Core's own messages (a failing workflow task, a nondeterminism error) reach `logger` too.
  Runtime.install({
    logger: logger ?? new DefaultLogger('WARN'),
    telemetryOptions: {
      logging: { filter: { core: 'WARN', other: 'WARN' }, forward: {} },
      ...prometheusTelemetry(options.metricsAddress),
    },
  });
}

export interface TestSystemOptions {
  /** Use PostgreSQL for the decision store; else embedded PGlite in memory. */
  databaseUrl?: string;
  emulator?: EmulatorOptions;
  /** Run a worker in this process (default true), as a version of `TEST_DEPLOYMENT` made current at once. */
  worker?: boolean;
  /** The store as the worker's activities see it (a slow store, say); the API sees the real one. */
  activityStore?: (store: DecisionStore) => DecisionStore;
  /** The API's policy for onboardings it starts (`DEFAULT_POLICY` if absent) and its console sessions' length. */
  api?: Partial<Pick<ApiOptions, 'policy' | 'sessionTtlMs'>>;
  /** Where the worker's workflow and activity spans go (`installTracing`). */
  tracing?: Tracing;
  /** The fleet-wide cap on ComplyCube calls per second (unlimited when absent). */
  complyCubeRateLimit?: number;
}

/** The Worker Deployment the tests' workers are versions of. */
export const TEST_DEPLOYMENT = 'kyc-onboarding';

export interface TestSystem {
  env: TestWorkflowEnvironment;
  client: Client;
  namespace: string;
  /** Temporal's frontend, `host:port`. */
  temporalAddress: string;
  taskQueue: string;
  emulator: Emulator;
  emulatorUrl: string;
  store: DecisionStore;
  api: FastifyInstance;
  apiUrl: string;
  webhookSecret: string;
  /** The emulator's webhook pointing at this API. */
  webhookId: string;
  worker?: OnboardingWorker;
  seed(options?: { lastName?: string }): Promise<SeededApplicant>;
  /** A call to the emulator's ComplyCube API (`/v1` + `path`), with the emulator's API key. */
  complyCube(method: string, path: string, body?: unknown): Promise<Response>;
  /** POST to an emulator control route. */
  control(route: string, body?: unknown): Promise<unknown>;
  /** Starts an onboarding directly through Temporal. */
  start(applicant: SeededApplicant, policy?: PolicyOverrides): Promise<WorkflowHandle>;
  /** Checks ComplyCube has for a client, by type. */
  checkCount(clientId: string): Promise<Record<string, number>>;
  /** ComplyCube API calls made for a client. */
  apiCalls(clientId: string): Promise<number>;
  state(handle: WorkflowHandle): Promise<OnboardingState>;
  waitForStatus(
    handle: WorkflowHandle,
    status: OnboardingState['status'],
    timeoutMs?: number,
  ): Promise<OnboardingState>;
  /**
   * Waits for the review queue row of an onboarding to reach a status. The workflow writes the row
   * by an activity after its own state changes, so a query can see the status before the row does.
   */
  waitForReviewCase(onboardingId: string, status: string, timeoutMs?: number): Promise<ReviewCase>;
  close(): Promise<void>;
}

export async function startTestSystem(options: TestSystemOptions = {}): Promise<TestSystem> {
  installTestRuntime();
  const env = EXTERNAL_TEMPORAL
    ? await TestWorkflowEnvironment.createFromExistingServer(EXTERNAL_TEMPORAL)
    : await TestWorkflowEnvironment.createLocal({
        server: {
          executable: temporalCliExecutable(),
          searchAttributes: [onboardingStatusSearchAttribute],
          extraArgs: DEV_SERVER_DYNAMIC_CONFIG,
        },
      });
  const namespace = EXTERNAL_TEMPORAL?.namespace ?? 'default';
  const taskQueue = `onboarding-test-${randomBytes(4).toString('hex')}`;
  const emulator = createEmulator({
    apiKeys: [EMULATOR_KEY],
    rateLimitPerSecond: 0,
    checkLatencyMs: { identity_fraud_check: 200, enhanced_identity_check: 400 },
    webhookRetryTimeScale: 0.0001,
    ...options.emulator,
  });
  const emulatorUrl = await emulator.listen();
  const emulatorRoot = emulatorUrl.replace(/\/v1$/, '');
  const store = await openDecisionStore(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {});

  let webhookSecret = '';
  // The API's own connection, configured as in production (it gives up quickly on an outage).
  const apiConnection = await Connection.connect(apiConnectionOptions({ address: env.address }));
  const api = await createApi({
    temporal: new Client({ connection: apiConnection, namespace, interceptors: clientInterceptors() }),
    store,
    taskQueue,
    webhookSecret: () => webhookSecret,
    serviceTokens: [{ name: 'test-backend', token: SERVICE_TOKEN }],
    reviewerTokens: [
      { name: 'reviewer-alice', token: REVIEWER_TOKEN },
      { name: 'reviewer-bob', token: OTHER_REVIEWER_TOKEN },
    ],
    complyCube: new ComplyCubeClient({ baseUrl: emulatorUrl, apiKey: EMULATOR_KEY, timeoutMs: 2_000 }),
    ...options.api,
    logLevel: 'silent',
    temporalDeadlineMs: 3_000,
  });
  const apiUrl = await api.listen({ port: 0, host: '127.0.0.1' });
  const registered = await registerWebhook(emulatorUrl, EMULATOR_KEY, `${apiUrl}/webhooks/complycube`);
  webhookSecret = registered.secret;

  let worker: OnboardingWorker | undefined;
  const workerRuns: Promise<void>[] = [];
  if (options.worker !== false) {
    const build = await workflowBuild();
    const create = () =>
      createOnboardingWorker({
        connection: env.nativeConnection,
        namespace,
        taskQueue,
        build,
        deploymentName: TEST_DEPLOYMENT,
        activities: createOnboardingActivities({
          complyCube: new ComplyCubeClient({
            baseUrl: emulatorUrl,
            apiKey: EMULATOR_KEY,
            timeoutMs: 2_000,
            metrics: complyCubeMetricsOn(Runtime.instance().metricMeter),
          }),
          store: options.activityStore ? options.activityStore(store) : store,
        }),
        ...(options.tracing ? { tracing: options.tracing } : {}),
        ...(options.complyCubeRateLimit ? { complyCubeRateLimit: options.complyCubeRateLimit } : {}),
      });
    worker = await create();
    workerRuns.push(worker.run());
    await promoteWhenPolling({
      client: env.client,
      version: { deploymentName: TEST_DEPLOYMENT, buildId: build.buildId },
      policy: 'always',
      taskQueues: [taskQueue],
      activityTaskQueues: [complyCubeTaskQueue(taskQueue)],
    });
  }

  const system: TestSystem = {
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
    worker,
    seed: (seedOptions) => seedApplicant(emulatorUrl, EMULATOR_KEY, seedOptions),
    complyCube: (method, path, body) =>
      fetch(`${emulatorUrl}${path}`, {
        method,
        headers: { Authorization: EMULATOR_KEY, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    async control(route, body) {
      const response = await fetch(`${emulatorRoot}/_emulator${route}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body ?? {}),
      });
      if (!response.ok) throw new Error(`control ${route}: ${response.status} ${await response.text()}`);
      return response.status === 204 ? undefined : response.json();
    },
    async start(applicant, policy = {}) {
      const input: OnboardingInput = { ...applicant, policy: { ...FAST_POLICY, ...policy } };
      return env.client.workflow.start(WORKFLOW_TYPE, {
        workflowId: onboardingWorkflowId(applicant.clientId),
        taskQueue,
        args: [input],
      });
    },
    async checkCount(clientId) {
      const response = await system.complyCube('GET', `/checks?clientId=${clientId}`);
      const { items } = (await response.json()) as { items: { type: string }[] };
      const counts: Record<string, number> = {};
      for (const item of items) counts[item.type] = (counts[item.type] ?? 0) + 1;
      return counts;
    },
    async apiCalls(clientId) {
      const response = await fetch(`${emulatorRoot}/_emulator/requests?clientId=${clientId}`);
      const { items } = (await response.json()) as { items: { route: string }[] };
      // Seeding the applicant is not the onboarding's doing.
      return items.filter((r) => r.route.startsWith('/v1/checks')).length;
    },
    state: (handle) => handle.query<OnboardingState>('getState'),
    async waitForStatus(handle, status, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      let last: OnboardingState | undefined;
      while (Date.now() < until) {
        try {
          last = await handle.query<OnboardingState>('getState');
          if (last.status === status) return last;
        } catch {
          // The first workflow task may not have run yet.
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`onboarding did not reach ${status}; last state: ${JSON.stringify(last)}`);
    },
    async waitForReviewCase(onboardingId, status, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      let last: ReviewCase | undefined;
      while (Date.now() < until) {
        last = await store.reviewCaseFor(onboardingId);
        if (last?.status === status) return last;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`review case did not reach ${status}; last: ${JSON.stringify(last?.status)}`);
    },
    async close() {
      worker?.shutdown();
      await Promise.allSettled(workerRuns);
      await api.close();
      await apiConnection.close();
      await emulator.close();
      await store.close();
      await env.teardown();
    },
  };
  return system;
}

/** The workflow's result. */
export function resultOf(handle: WorkflowHandle): Promise<OnboardingDecision> {
  return handle.result() as Promise<OnboardingDecision>;
}
