/** What every route group shares: the Temporal client, the store, the policy, auth and the helpers. */
import { WorkflowNotFoundError, type Client, type WorkflowExecutionDescription } from '@temporalio/client';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import { DEFAULT_SIGN_IN, type OidcSettings, type SignInPolicy, type TrustProxy } from '../config/sign-in';
import type { ReviewKeyring } from '../security/keyring';
import type { DecisionStore } from '../store/decision-store';
import {
  getStateQuery,
  onboardingWorkflowId,
  type OnboardingPolicy,
  type OnboardingState,
} from '../workflows/onboarding-contract';
import type { ComplyCubeClient } from '../complycube/client';
import type { ApiMetrics } from '../observability/metrics';
import { hasRole, type Authenticator, type Principal, type Role, type TokenConfig } from './auth';
import { HttpError } from './errors';
import { createSecurityLog, type SecurityLog } from './security-log';
import { createSessions, type Sessions } from './sessions';
import { createSignInGuard, type SignInGuard } from './sign-in-guard';
import { sessionStillStands } from './token-sessions';
import type { Duration, PayloadCodec } from '@temporalio/common';
import { parseAllowedCidrs, type AllowedCidrs } from '../webhooks/address-guard';
import type { EndpointSecrets } from '../webhooks/endpoint-secrets';
import type { PersonalData } from '../security/personal-data';

export interface ApiOptions extends TokenConfig {
  temporal: Client;
  store: DecisionStore;
  taskQueue: string;
  /** The timing policy new onboardings start with (configuration's `POLICY_*`); `DEFAULT_POLICY` if absent. */
  policy?: OnboardingPolicy;
  /** Signs review assertions (security/review-assertions.ts); without it no review action can be sent. */
  reviewKeys?: ReviewKeyring;
  /**
   * ComplyCube's webhook secret; without it the webhook route answers 503. A function is read per
   * request, for set-ups that register the webhook (and so learn the secret) after the API listens.
   */
  webhookSecret?: string | (() => string | undefined);
  bodyLimitBytes?: number;
  /** How long a request may wait on Temporal before answering 503. Well inside ComplyCube's 15 s. */
  temporalDeadlineMs?: number;
  /** How long the answer to an idempotency key is kept (default 24 h). */
  idempotencyRetentionMs?: number;
  /** ComplyCube, for the evidence reviewers read; without it, `/evidence` answers 503. */
  complyCube?: ComplyCubeClient;
  /** How long a console session lasts (default 8 h). */
  sessionTtlMs?: number;
  /** Mark the session cookie Secure whatever the request's protocol (behind a TLS proxy). */
  secureCookies?: boolean;
  /** The sign-in's protections, idle timeout and whether tokens sign in (`config/sign-in.ts`'s defaults). */
  signIn?: Partial<SignInPolicy>;
  /** Single sign-on for the console; none when absent. */
  oidc?: OidcSettings | undefined;
  /** Which proxies' X-Forwarded-For to believe (fastify's trustProxy); none by default. */
  trustProxy?: TrustProxy;
  /** Reviewers' reasons kept encrypted per client, and read back (`security/personal-data.ts`). */
  personalData?: PersonalData;
  /** When a client may be erased (docs/payload-encryption.md); 5 years, unapproved at once, by default. */
  erasure?: ErasureRules;
  /** The payload codec the codec server decodes with (`/codec/decode`); 503 without one. */
  payloadCodec?: PayloadCodec;
  /** The Temporal UI origins allowed to call the codec server from a browser (CORS). */
  codecCorsOrigins?: string[];
  /** Outbound webhooks: which receivers are allowed, how long deliveries retry, and the secrets' seal. */
  webhooks?: WebhookOptions;
  /** The process's logger (`config/logging.ts`); else JSON lines at `logLevel`. */
  logger?: FastifyBaseLogger;
  /** The API's metrics (`observability/metrics.ts`); made from the store when absent. */
  metrics?: ApiMetrics;
  logLevel?: string;
}

/** What the webhook endpoints' routes need (docs/webhooks.md). */
export interface WebhookOptions {
  allowedCidrs: AllowedCidrs;
  retryFor: Duration;
  /** Seals each endpoint's secret; without it (no codec keyring) endpoints cannot be created. */
  secrets?: EndpointSecrets;
}

/**
 * AML retention for erasure: an approved customer's records are kept `retentionYears` after the
 * relationship ended; a case never approved is erasable `at_once`, or after the same retention.
 */
export interface ErasureRules {
  retentionYears: number;
  unapproved: 'at_once' | 'after_retention';
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Answer personal-data references as they are (the case record, whose hashes cover them). */
    keepPersonalRefs?: boolean;
  }
  interface FastifyRequest {
    principal?: Principal;
    rawBody?: Buffer;
    /** The webhook's body was not JSON; its signature is checked before that is answered. */
    invalidJson?: boolean;
  }
}

export interface ApiContext {
  temporal: Client;
  store: DecisionStore;
  taskQueue: string;
  policy: OnboardingPolicy;
  reviewKeys: ReviewKeyring | undefined;
  idempotencyRetentionMs: number;
  complyCube: ComplyCubeClient | undefined;
  sessions: Sessions;
  signIn: SignInPolicy;
  signInGuard: SignInGuard;
  securityLog: SecurityLog;
  oidc: OidcSettings | undefined;
  metrics: ApiMetrics;
  /** Resolves a reviewer token (console sign-in). */
  authenticate: Authenticator;
  /** Crypto-shredding: reasons protected per client; absent without a keyring (in clear, as before 0.7.0). */
  personalData: PersonalData | undefined;
  erasure: ErasureRules;
  /** The codec server's codec, the UI origins it answers, and the one namespace it serves. */
  codec: { payloadCodec: PayloadCodec | undefined; corsOrigins: string[]; namespace: string };
  webhookSecret: () => string | undefined;
  webhooks: WebhookOptions;
  /** Runs a Temporal call under the API's deadline. */
  withDeadline: <T>(fn: () => Promise<T>) => Promise<T>;
  /** An `onRequest` hook (before the body is read) admitting only these roles' tokens. */
  requireRole: (...roles: readonly Role[]) => (request: FastifyRequest) => Promise<void>;
}

export function createContext(
  options: ApiOptions & { policy: OnboardingPolicy; metrics: ApiMetrics },
  authenticate: Authenticator,
): ApiContext {
  const deadlineMs = options.temporalDeadlineMs ?? 5_000;
  const signIn = { ...DEFAULT_SIGN_IN, ...options.signIn };
  const securityLog = createSecurityLog(options.store);
  const sessions = createSessions({
    store: options.store,
    securityLog,
    ttlMs: options.sessionTtlMs ?? 8 * 3_600_000,
    idleMs: signIn.idleTimeoutMs,
    stillStands: sessionStillStands(authenticate, signIn.tokenSignIn),
    secureCookie: options.secureCookies,
  });
  return {
    temporal: options.temporal,
    store: options.store,
    taskQueue: options.taskQueue,
    policy: options.policy,
    reviewKeys: options.reviewKeys,
    idempotencyRetentionMs: options.idempotencyRetentionMs ?? 24 * 3_600_000,
    complyCube: options.complyCube,
    sessions,
    signIn,
    signInGuard: createSignInGuard(options.store, securityLog, signIn),
    securityLog,
    oidc: options.oidc,
    metrics: options.metrics,
    authenticate,
    personalData: options.personalData,
    erasure: options.erasure ?? { retentionYears: 5, unapproved: 'at_once' },
    codec: {
      payloadCodec: options.payloadCodec,
      corsOrigins: options.codecCorsOrigins ?? [],
      namespace: options.temporal.options.namespace,
    },
    webhooks: options.webhooks ?? { allowedCidrs: parseAllowedCidrs(''), retryFor: '72h' },
    webhookSecret: () =>
      typeof options.webhookSecret === 'function' ? options.webhookSecret() : options.webhookSecret,
    withDeadline: (fn) => options.temporal.connection.withDeadline(Date.now() + deadlineMs, fn),
    requireRole:
      (...roles) =>
      async (request) => {
        // A bearer token when one is given; else the console's session cookie (reviewers only).
        let principal = authenticate(request.headers.authorization);
        if (!principal && request.headers.authorization === undefined) {
          const session = await sessions.current(request);
          if (session) principal = sessions.principalOf(request, session);
        }
        if (!principal) throw new HttpError(401, 'unauthorized', 'A valid bearer token or session is required');
        if (!hasRole(principal, ...roles)) {
          throw new HttpError(403, 'forbidden', `This route needs the role ${roles.join(' or ')}`);
        }
        request.principal = principal;
      },
  };
}

export const onboardingLink = (onboardingId: string) => `/v1/onboardings/${onboardingId}`;
export const onboardingLinks = (onboardingId: string) => ({
  self: onboardingLink(onboardingId),
  decisions: `/v1/decisions/${onboardingId}`,
});

/**
 * What the run itself can say: its state, from its `getState` query; or, when the query is not
 * answered but the run is open (no worker holds it yet, e.g. during a restart), its description
 * and the query's error; or `gone` when the decision store should answer instead: Temporal has
 * forgotten the run, or the run has ended and no worker is up to answer the query (a query on a
 * closed run replays it on a worker). When neither call is answered, Temporal itself is away: the
 * query's error is thrown.
 */
export type RunReading =
  | { kind: 'state'; state: OnboardingState }
  | { kind: 'unanswered'; description: WorkflowExecutionDescription; error: unknown }
  | { kind: 'gone' };

export async function readRun(context: ApiContext, onboardingId: string): Promise<RunReading> {
  const handle = context.temporal.workflow.getHandle(onboardingWorkflowId(onboardingId));
  try {
    return { kind: 'state', state: await context.withDeadline(() => handle.query(getStateQuery)) };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return { kind: 'gone' };
    const description = await context
      .withDeadline(() => handle.describe())
      .catch((describeError: unknown) => {
        if (describeError instanceof WorkflowNotFoundError) return undefined;
        throw error;
      });
    return description?.status.name === 'RUNNING' ? { kind: 'unanswered', description, error } : { kind: 'gone' };
  }
}

/** The run's own state; undefined when the decision store should answer; the query's error while the run is open but unanswered. */
export async function stateOf(context: ApiContext, onboardingId: string): Promise<OnboardingState | undefined> {
  const run = await readRun(context, onboardingId);
  if (run.kind === 'unanswered') throw run.error;
  return run.kind === 'state' ? run.state : undefined;
}

/** An onboarding as the API shows it. */
export function presentState(state: OnboardingState) {
  return {
    onboardingId: state.onboardingId,
    workflowId: state.workflowId,
    runId: state.runId,
    status: state.status,
    startedAt: state.startedAt,
    checks: Object.values(state.checks),
    reviewReasons: state.reviewReasons,
    ...(state.reviewOpenedAt ? { reviewOpenedAt: state.reviewOpenedAt } : {}),
    ...(state.reviewEscalatesAt ? { reviewEscalatesAt: state.reviewEscalatesAt } : {}),
    ...(state.reviewExpiresAt ? { reviewExpiresAt: state.reviewExpiresAt } : {}),
    escalated: state.escalated ?? false,
    secondApprovalRequired: state.secondApprovalRequired ?? false,
    // A lapsed claim holds nobody back: shown only while it holds.
    ...(state.claim && Date.parse(state.claim.expiresAt) > Date.now() ? { claim: state.claim } : {}),
    ...(state.firstApproval ? { firstApproval: state.firstApproval } : {}),
    ...(state.resubmission ? { resubmission: state.resubmission } : {}),
    resubmissionRounds: state.resubmissionRounds ?? 0,
    ...(state.supersededChecks?.length ? { supersededChecks: state.supersededChecks } : {}),
    timeline: state.timeline ?? [],
    policy: state.policy,
    reviews: state.reviews,
    refusedReviews: state.refusedReviews,
    ...(state.decision ? { decision: state.decision } : {}),
    links: onboardingLinks(state.onboardingId),
  };
}
