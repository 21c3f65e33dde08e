/**
 * The composition root: how the store, the ComplyCube client, the activities, the worker and the
 * API are wired from configuration. The worker and API processes, `npm start` and the in-process
 * system of the tests and tools all build their parts here, so they run the same wiring; each
 * brings only what is its own (its connections, its store, its workflow build, its tracing).
 */
import { createLedgerActivities } from '../activities/ledger-activities';
import { Context } from '@temporalio/activity';
import { Client, type Connection } from '@temporalio/client';
import { type NativeConnection, Runtime } from '@temporalio/worker';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { createOnboardingActivities } from '../activities/onboarding-activities';
import { apiMetricsFor, createApi, type ApiOptions } from '../api/app';
import { ComplyCubeClient } from '../complycube/client';
import { sharedSendPacer } from '../complycube/send-pacer';
import { ConfigError, type Config } from '../config/config';
import { complyCubeMetricsOn, type ComplyCubeMetrics } from '../observability/metrics';
import { clientInterceptors, type Tracing } from '../observability/tracing';
import { dataConverter } from '../security/data-converter';
import { AesGcmPayloadCodec, type CodecKeyring } from '../security/payload-codec';
import { createPersonalData } from '../security/personal-data';
import type { DecisionStore } from '../store/decision-store';
import type { SendSchedule } from '../store/send-schedule';
import { createOnboardingWorker, type OnboardingWorker } from '../worker/create-worker';
import { promoteWhenPolling, type PromotionResult } from '../worker/deployment';
import type { WorkflowBuild } from '../worker/workflow-build';
import { complyCubeTaskQueue, webhooksTaskQueue } from '../workflows/onboarding-contract';
import { createWebhookActivities } from '../activities/webhook-activities';
import { webhookDeliveryMetricsOn } from '../observability/webhook-metrics';
import { endpointSecrets } from '../webhooks/endpoint-secrets';
import { startDeliveryWorkflow } from '../webhooks/start-delivery';
import type { AutoPromotePolicy } from '../config/config';

/**
 * What the parts are wired from: the configuration (`loadConfig`). The fleet-wide ComplyCube rate
 * may be absent here (unlimited), which only the in-process system asks for.
 */
export type SystemConfig = Pick<
  Config,
  | 'temporal'
  | 'policy'
  | 'complyCube'
  | 'api'
  | 'deployment'
  | 'reviewKeys'
  | 'ledger'
  | 'payloadCodecKeys'
  | 'erasure'
  | 'webhooks'
> & {
  worker: Omit<Config['worker'], 'complyCubeRateLimit'> & { complyCubeRateLimit?: number | undefined };
};

/**
 * A ComplyCube client as configured; a worker cannot run without a key, so neither can this. With
 * a rate limit and a store, every call waits for its slot in the fleet's shared send schedule
 * (`complycube/send-pacer.ts`), at most `maxWaitMs`.
 */
export function complyCubeClient(
  settings: Config['complyCube'],
  metrics?: ComplyCubeMetrics,
  pacing?: { schedule: SendSchedule; ratePerSecond: number | undefined; maxWaitMs: number | (() => number) },
): ComplyCubeClient {
  if (!settings.apiKey) throw new ConfigError('invalid configuration: COMPLYCUBE_API_KEY is required');
  const { apiKey } = settings;
  const pace =
    pacing?.ratePerSecond === undefined
      ? undefined
      : sharedSendPacer({
          ...pacing,
          ratePerSecond: pacing.ratePerSecond,
          apiKey,
          baseUrl: settings.baseUrl,
          callTimeoutMs: settings.timeoutMs,
        });
  return new ComplyCubeClient({
    baseUrl: settings.baseUrl,
    apiKey,
    timeoutMs: settings.timeoutMs,
    ...(metrics ? { metrics } : {}),
    ...(pace ? { pace } : {}),
  });
}

/** When each running activity attempt was first seen here: its start, near enough (Info has no start time). */
const attemptsSeen = new WeakMap<Context, number>();

/**
 * The longest a ComplyCube call may wait for its slot: 80 % of what is left of its activity
 * attempt's start-to-close timeout, counted from the attempt's first call; `cap` outside an activity.
 * (The attempt's scheduled time will not do: a task waits in Temporal's rate-limited queue first.)
 */
function activityWaitBudget(cap: number): number {
  let context: Context;
  try {
    context = Context.current();
  } catch {
    return cap;
  }
  const now = Date.now();
  const started = attemptsSeen.get(context) ?? now;
  attemptsSeen.set(context, started);
  const left = started + context.info.startToCloseTimeoutMs - now;
  return Math.max(0, Math.min(cap, left * 0.8));
}

/** A Temporal client on `connection`, tracing its calls, with the payload codec of `keys`. */
export function temporalClient(connection: Connection, namespace: string, keys: CodecKeyring | undefined): Client {
  return new Client({ connection, namespace, interceptors: clientInterceptors(), dataConverter: dataConverter(keys) });
}

/** What a worker is built from besides its configuration. */
export interface WorkerParts {
  connection: NativeConnection;
  /** Starts webhook deliveries' workflows from the `publishEvent` activity. */
  temporal: Client;
  store: DecisionStore;
  build: WorkflowBuild;
  tracing?: Tracing | undefined;
  /** The store as the activities see it (a slow store in a test); the store itself when absent. */
  activityStore?: ((store: DecisionStore) => DecisionStore) | undefined;
}

/** The onboarding worker: activities on the configured ComplyCube and store, as a version of the deployment. */
export function composeWorker(config: SystemConfig, parts: WorkerParts): Promise<OnboardingWorker> {
  const { complyCubeRateLimit, ...limits } = config.worker;
  return createOnboardingWorker({
    connection: parts.connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities: {
      ...createOnboardingActivities({
        // A slot further than 80 % of the activity's time left, or 20 s, fails the call as a 429
        // would: a call never waits past its attempt's deadline, and leaves time to be answered.
        complyCube: complyCubeClient(config.complyCube, complyCubeMetricsOn(Runtime.instance().metricMeter), {
          schedule: parts.store,
          ratePerSecond: complyCubeRateLimit,
          maxWaitMs: () => activityWaitBudget(20_000),
        }),
        store: parts.activityStore ? parts.activityStore(parts.store) : parts.store,
        ...(config.reviewKeys ? { reviewKeys: config.reviewKeys } : {}),
      }),
      ...createLedgerActivities({ store: parts.store, ...config.ledger }),
    },
    webhookActivities: webhookActivities(config, parts),
    build: parts.build,
    dataConverter: dataConverter(config.payloadCodecKeys),
    ...(parts.tracing ? { tracing: parts.tracing } : {}),
    deploymentName: config.deployment.deploymentName,
    buildId: workerBuildId(config, parts.build),
    ...limits,
    ...(complyCubeRateLimit ? { complyCubeRateLimit } : {}),
  });
}

/** The outbound webhooks' activities: secrets sealed with the codec keyring, deliveries started on `parts.temporal`. */
function webhookActivities(config: SystemConfig, parts: WorkerParts) {
  if (!config.payloadCodecKeys) {
    throw new ConfigError('invalid configuration: PAYLOAD_CODEC_KEYS is required: it seals webhook endpoint secrets');
  }
  const { taskQueue } = config.temporal;
  const { allowedCidrs, timeoutMs, retryFor } = config.webhooks;
  return createWebhookActivities({
    // The decision's write with its events goes through the activities' store, as `recordDecision`'s does.
    store: parts.activityStore ? parts.activityStore(parts.store) : parts.store,
    secrets: endpointSecrets(config.payloadCodecKeys),
    startDelivery: async (deliveryId) => {
      await startDeliveryWorkflow(parts.temporal, { taskQueue, deliveryId, retryFor });
    },
    allowedCidrs,
    timeoutMs,
    metrics: webhookDeliveryMetricsOn(Runtime.instance().metricMeter),
  });
}

/** The build ID a worker runs as: the configured one, else the workflow code's. */
export function workerBuildId(config: SystemConfig, build: WorkflowBuild): string {
  return config.deployment.buildId ?? build.buildId;
}

/**
 * Waits until the worker's version polls both task queues, then reports where it stands and
 * promotes it if `policy` says so (`worker/deployment.ts`). Only for a versioned worker.
 */
export function promoteWorkerVersion(
  config: SystemConfig,
  options: { client: Client; buildId: string; policy: AutoPromotePolicy; signal?: AbortSignal },
): Promise<PromotionResult> {
  const { deploymentName } = config.deployment;
  if (!deploymentName) throw new Error('an unversioned worker has no version to promote');
  return promoteWhenPolling({
    client: options.client,
    version: { deploymentName, buildId: options.buildId },
    policy: options.policy,
    taskQueues: [config.temporal.taskQueue],
    activityTaskQueues: [complyCubeTaskQueue(config.temporal.taskQueue), webhooksTaskQueue(config.temporal.taskQueue)],
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** What an API is built from besides its configuration. */
export interface ApiParts {
  temporal: Client;
  store: DecisionStore;
  logger?: FastifyBaseLogger;
  /** Read per request, for a set-up that registers the webhook after the API listens. */
  webhookSecret?: () => string | undefined;
  /** Options no configuration sets: the tests' deadline and log level. */
  overrides?: Partial<ApiOptions>;
}

/** The API: onboarding and review routes, the webhook, the console; evidence from ComplyCube when a key is set. */
export function composeApi(config: SystemConfig, parts: ApiParts): Promise<FastifyInstance> {
  const metrics = apiMetricsFor(parts.store);
  return createApi({
    temporal: parts.temporal,
    store: parts.store,
    taskQueue: config.temporal.taskQueue,
    policy: config.policy,
    ...(config.reviewKeys ? { reviewKeys: config.reviewKeys } : {}),
    webhookSecret: parts.webhookSecret ?? config.complyCube.webhookSecret,
    serviceTokens: config.api.serviceTokens,
    reviewerTokens: config.api.reviewerTokens,
    seniorReviewerTokens: config.api.seniorReviewerTokens,
    auditorTokens: config.api.auditorTokens,
    bodyLimitBytes: config.api.bodyLimitBytes,
    codecCorsOrigins: config.api.codecCorsOrigins,
    ...(config.payloadCodecKeys
      ? {
          payloadCodec: new AesGcmPayloadCodec(config.payloadCodecKeys),
          personalData: createPersonalData(parts.store, config.payloadCodecKeys),
        }
      : {}),
    erasure: config.erasure,
    webhooks: {
      allowedCidrs: config.webhooks.allowedCidrs,
      retryFor: config.webhooks.retryFor,
      ...(config.payloadCodecKeys ? { secrets: endpointSecrets(config.payloadCodecKeys) } : {}),
    },
    idempotencyRetentionMs: config.api.idempotencyRetentionMs,
    sessionTtlMs: config.api.sessionTtlMs,
    ...(config.api.secureCookies !== undefined ? { secureCookies: config.api.secureCookies } : {}),
    signIn: config.api.signIn,
    oidc: config.api.oidc,
    trustProxy: config.api.trustProxy,
    // Evidence for reviewers is read from ComplyCube, never kept: only with a key.
    // A reviewer waits at most 5 s behind a burst of onboardings before the page says so.
    ...(config.complyCube.apiKey
      ? {
          complyCube: complyCubeClient(config.complyCube, metrics.complyCube, {
            schedule: parts.store,
            ratePerSecond: config.worker.complyCubeRateLimit,
            maxWaitMs: 5_000,
          }),
        }
      : {}),
    metrics,
    ...(parts.logger ? { logger: parts.logger } : {}),
    ...parts.overrides,
  });
}
