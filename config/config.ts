import path from 'node:path';
import { z } from 'zod';
import { optionalString, positiveInt } from './env-values';
import { DEFAULT_COMPLYCUBE_BASE_URL } from '../complycube/client';
import { describeZodError } from '../complycube/schemas';
import { LOG_FORMATS, LOG_LEVELS } from './logging';
import { loadTemporalSettings, TemporalSettingError, type TemporalConnectionOptions } from './temporal';
import {
  DEFAULT_POLICY,
  durationSchema,
  parseDuration,
  policyOverridesSchema,
  resolvePolicy,
  TASK_QUEUE,
} from '../workflows/onboarding-contract';
import { ConfigError } from './errors';
import { payloadCodecKeyring, reviewKeyring } from './keyrings';
import { policyEnvShape, policyOverrides } from './policy-settings';
import { checkSignInEnv, signInEnvShape, signInSettings } from './sign-in';
import { webhookEnvShape, webhookSettings } from './webhook-settings';

const projectRoot = path.resolve(__dirname, '..');

/** The Worker Deployment the workers are versions of (docs/versioning.md). */
export const DEFAULT_DEPLOYMENT_NAME = 'kyc-onboarding';
/** When a worker makes its own version current: see `worker/deployment.ts`. */
export const AUTO_PROMOTE_POLICIES = ['if-none', 'always', 'never'] as const;
export type AutoPromotePolicy = (typeof AUTO_PROMOTE_POLICIES)[number];

/** `name:token` pairs, comma-separated. */
const tokenList = optionalString.transform((value, ctx) => {
  if (!value) return [];
  return value.split(',').flatMap((pair) => {
    const index = pair.indexOf(':');
    const name = pair.slice(0, index).trim();
    const token = pair.slice(index + 1).trim();
    if (index <= 0 || !name || token.length < 16) {
      ctx.addIssue({
        code: 'custom',
        message: 'each entry must be name:token, with a token of at least 16 characters',
      });
      return [];
    }
    return [{ name, token }];
  });
});

const envSchema = z
  .object({
    // Where Temporal is and how to connect: config/temporal.ts, as the Temporal CLI reads it.
    TEMPORAL_TASK_QUEUE: z.string().default(TASK_QUEUE),

    WORKER_MAX_CONCURRENT_ACTIVITIES: positiveInt(100),
    /** Where a worker serves /metrics (the SDK's and the onboarding's), `host:port`, or `off`. */
    WORKER_METRICS_ADDRESS: z
      .string()
      .regex(/^(off|[\w.-]+:\d{1,5})$/, 'must be host:port or off')
      .default('0.0.0.0:9464'),
    WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: positiveInt(40),
    WORKER_MAX_CACHED_WORKFLOWS: positiveInt(500),
    TEMPORAL_WORKER_VERSIONING: z.enum(['true', 'false']).default('true'),
    TEMPORAL_DEPLOYMENT_NAME: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,100}$/, 'letters, digits, _ and - only (Temporal reserves . and :)')
      .default(DEFAULT_DEPLOYMENT_NAME),
    TEMPORAL_WORKER_BUILD_ID: optionalString.pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9._-]{1,100}$/, 'letters, digits, ., _ and - only')
        .optional(),
    ),
    WORKER_AUTO_PROMOTE: z.enum(AUTO_PROMOTE_POLICIES).default('if-none'),

    ...policyEnvShape,
    ...webhookEnvShape,

    /** The review-assertion keyring, held by the API and the workers only (security/keyring.ts). */
    REVIEW_ASSERTION_KEYS: optionalString,
    /** The payload codec's keyring, or the path of a file holding it (security/payload-codec.ts). */
    PAYLOAD_CODEC_KEYS: optionalString,
    /** When a client never approved may be erased: at once (default), or after LEDGER_RETENTION_YEARS. */
    ERASURE_OF_UNAPPROVED: z.enum(['at_once', 'after_retention']).default('at_once'),
    /** The Temporal UI origins the codec server answers from a browser, comma-separated. */
    CODEC_CORS_ORIGINS: optionalString
      .transform((value) =>
        (value ?? '')
          .split(',')
          .map((origin) => origin.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.url().refine((url) => new URL(url).origin === url, 'an origin: scheme://host[:port], no path'))),

    DATABASE_URL: optionalString.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
    DATABASE_POOL_MAX: positiveInt(10),
    DECISION_STORE_DIR: z.string().default(path.join(projectRoot, '.data', 'decisions')),
    /** `<key id>:<base64 PKCS#8 DER or PEM file path>`: signs ledger checkpoints (store/ledger-signing-key.ts). */
    LEDGER_SIGNING_KEY: optionalString,
    LEDGER_CHECKPOINT_DIR: z.string().default(path.join(projectRoot, '.data', 'ledger-checkpoints')),
    /** How often the worker's Temporal Schedule signs a checkpoint (worker/ledger-schedule.ts), or `off`. */
    LEDGER_CHECKPOINT_EVERY: z.union([z.literal('off'), durationSchema]).default('1h'),
    /** Years a case's record is kept after its relationship ended, before `npm run ledger -- purge` may remove it. */
    LEDGER_RETENTION_YEARS: positiveInt(5),

    COMPLYCUBE_API_KEY: optionalString,
    COMPLYCUBE_BASE_URL: z.url().default(DEFAULT_COMPLYCUBE_BASE_URL),
    COMPLYCUBE_TIMEOUT_MS: positiveInt(10_000),
    /** ComplyCube calls per second, fleet-wide; default from the key: 10 for live_ keys, 5 otherwise (sandbox). */
    COMPLYCUBE_RATE_LIMIT: z.coerce.number().positive().max(1000).optional(),
    COMPLYCUBE_WEBHOOK_SECRET: optionalString,

    API_HOST: z.string().default('127.0.0.1'),
    API_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    API_SERVICE_TOKENS: tokenList,
    API_REVIEWER_TOKENS: tokenList,
    API_SENIOR_REVIEWER_TOKENS: tokenList,
    API_AUDITOR_TOKENS: tokenList,
    API_BODY_LIMIT_BYTES: positiveInt(64 * 1024),
    IDEMPOTENCY_RETENTION: durationSchema.default('24h'),
    CONSOLE_SESSION_TTL: durationSchema.default('8h'),
    CONSOLE_SECURE_COOKIES: z.enum(['auto', 'true', 'false']).default('auto'),
    ...signInEnvShape,
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
    LOG_FORMAT: z.enum(LOG_FORMATS).default('auto'),
  })
  .superRefine((env, ctx) => {
    checkSignInEnv(env, ctx);
    // Each POLICY_* value is checked on its own above; this is the one rule between two of them.
    const overrides = policyOverrides(env);
    if (policyOverridesSchema.safeParse(overrides).success && !resolvePolicy(DEFAULT_POLICY, overrides).success) {
      ctx.addIssue({
        code: 'custom',
        path: ['POLICY_REVIEW_EXPIRY'],
        message: 'must be longer than POLICY_REVIEW_SLA',
      });
    }
  });

export type Env = z.infer<typeof envSchema>;

export { ConfigError };

/** Reads and validates the whole configuration once; throws a ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(`invalid configuration: ${describeZodError(parsed.error)}`);
  const e = parsed.data;
  const temporal = temporalSettings(env);
  const policy = resolvePolicy(DEFAULT_POLICY, policyOverrides(e));
  if (!policy.success) throw new ConfigError(`invalid configuration: ${describeZodError(policy.error)}`);
  const reviewKeys = reviewKeyring(e.REVIEW_ASSERTION_KEYS);
  return {
    temporal: { ...temporal, taskQueue: e.TEMPORAL_TASK_QUEUE },
    /** The worker's Prometheus endpoint, `host:port`; undefined when off. */
    workerMetricsAddress: e.WORKER_METRICS_ADDRESS === 'off' ? undefined : e.WORKER_METRICS_ADDRESS,
    worker: {
      maxConcurrentActivityTaskExecutions: e.WORKER_MAX_CONCURRENT_ACTIVITIES,
      maxConcurrentWorkflowTaskExecutions: e.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
      maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
      complyCubeRateLimit: e.COMPLYCUBE_RATE_LIMIT ?? complyCubeRateLimitFor(e.COMPLYCUBE_API_KEY),
    },
    deployment: {
      /** `false`: poll unversioned. */
      deploymentName: e.TEMPORAL_WORKER_VERSIONING === 'true' ? e.TEMPORAL_DEPLOYMENT_NAME : (false as const),
      buildId: e.TEMPORAL_WORKER_BUILD_ID,
      autoPromote: e.TEMPORAL_WORKER_VERSIONING === 'true' ? e.WORKER_AUTO_PROMOTE : 'never',
    },
    /** The policy new onboardings start with: this release's defaults and the POLICY_* overrides. */
    policy: policy.data,
    /** Signs (API) and verifies (worker) review assertions; absent, no review action can be taken. */
    reviewKeys,
    /** Encrypts every payload sent to Temporal; absent, payloads go in clear (docs/payload-encryption.md). */
    payloadCodecKeys: payloadCodecKeyring(e.PAYLOAD_CODEC_KEYS),
    store: e.DATABASE_URL
      ? { databaseUrl: e.DATABASE_URL, poolMax: e.DATABASE_POOL_MAX }
      : { dataDir: e.DECISION_STORE_DIR },
    /** Ledger checkpoints (docs/ledger.md): the key is parsed by the one command that signs. */
    ledger: {
      signingKey: e.LEDGER_SIGNING_KEY,
      checkpointDir: e.LEDGER_CHECKPOINT_DIR,
      checkpointEvery: e.LEDGER_CHECKPOINT_EVERY,
      retentionYears: e.LEDGER_RETENTION_YEARS,
    },
    /** Outbound webhooks to the onboarding backend (docs/webhooks.md). */
    webhooks: webhookSettings(e),
    /** When a client's personal data may be erased (docs/payload-encryption.md). */
    erasure: { retentionYears: e.LEDGER_RETENTION_YEARS, unapproved: e.ERASURE_OF_UNAPPROVED },
    complyCube: {
      apiKey: e.COMPLYCUBE_API_KEY,
      baseUrl: e.COMPLYCUBE_BASE_URL,
      timeoutMs: e.COMPLYCUBE_TIMEOUT_MS,
      webhookSecret: e.COMPLYCUBE_WEBHOOK_SECRET,
    },
    api: {
      host: e.API_HOST,
      port: e.API_PORT,
      serviceTokens: e.API_SERVICE_TOKENS,
      reviewerTokens: e.API_REVIEWER_TOKENS,
      seniorReviewerTokens: e.API_SENIOR_REVIEWER_TOKENS,
      auditorTokens: e.API_AUDITOR_TOKENS,
      bodyLimitBytes: e.API_BODY_LIMIT_BYTES,
      codecCorsOrigins: e.CODEC_CORS_ORIGINS,
      idempotencyRetentionMs: parseDuration(e.IDEMPOTENCY_RETENTION),
      sessionTtlMs: parseDuration(e.CONSOLE_SESSION_TTL),
      /** undefined: Secure when the request came over https. */
      secureCookies: e.CONSOLE_SECURE_COOKIES === 'auto' ? undefined : e.CONSOLE_SECURE_COOKIES === 'true',
      /** Single sign-on, the sign-in's protections, the idle timeout, the trusted proxy (`sign-in.ts`). */
      ...signInSettings(e),
    },
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
  };
}

export type Config = ReturnType<typeof loadConfig>;

function temporalSettings(env: NodeJS.ProcessEnv) {
  try {
    return loadTemporalSettings(env);
  } catch (error) {
    if (error instanceof TemporalSettingError) throw new ConfigError(`invalid configuration: ${error.message}`);
    throw error;
  }
}

/** Connection options for Temporal, local or Cloud (TLS client certificate or API key). */
export function temporalConnectionOptions(config: Config['temporal']): TemporalConnectionOptions {
  return config.connection;
}

/** ComplyCube's rate limit for a key: 10 requests/s for live keys, 5 in the sandbox (test keys). */
export function complyCubeRateLimitFor(apiKey: string | undefined): number {
  return apiKey?.startsWith('live_') ? 10 : 5;
}
