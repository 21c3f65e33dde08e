/**
 * The onboarding workflow's contract: task queue, workflow ID, messages, payload schemas
 * and the types inferred from them. The API, the worker, the CLI and the tests import it;
 * it is bundled into workflow code, so it imports nothing from Node.
 */
import { defineSearchAttributeKey, SearchAttributeType, type VersioningBehavior } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import {
  checkOutcomeSchema,
  checkStatusSchema,
  complyCubeIdSchema,
  type CheckOutcome,
  type CheckType,
} from '../../../complycube/schemas';

export const TASK_QUEUE = 'onboarding';
export const WORKFLOW_TYPE = 'onboardingWorkflow';

/**
 * How onboardings move between worker builds. They wait up to 30 days for a reviewer, across many
 * deploys: each run moves to the deployment's current build at its next workflow task, and every
 * change to the workflow's commands is guarded by patched() (docs/versioning.md). The worker applies
 * it: a behaviour declared with setWorkflowOptions would be refused from an unversioned worker.
 */
export const ONBOARDING_VERSIONING_BEHAVIOR: VersioningBehavior = 'AUTO_UPGRADE';
const WORKFLOW_ID_PREFIX = 'onboarding-';

/** One workflow ID per ComplyCube client: at most one onboarding of a client runs at a time. */
export function onboardingWorkflowId(clientId: string): string {
  return `${WORKFLOW_ID_PREFIX}${clientId}`;
}

/** The onboarding ID (the ComplyCube client ID) behind a workflow ID, or undefined for another workflow. */
export function onboardingIdFromWorkflowId(workflowId: string): string | undefined {
  if (!workflowId.startsWith(WORKFLOW_ID_PREFIX)) return undefined;
  const id = workflowId.slice(WORKFLOW_ID_PREFIX.length);
  return complyCubeIdSchema.safeParse(id).success ? id : undefined;
}

export const onboardingStatusSchema = z.enum([
  'checks_running',
  'awaiting_review',
  'escalated',
  'approved',
  'rejected',
  'withdrawn',
]);
/** Where an onboarding stands; kept in the `OnboardingStatus` search attribute too. */
export type OnboardingStatus = z.infer<typeof onboardingStatusSchema>;
export const FINAL_STATUSES: readonly OnboardingStatus[] = ['approved', 'rejected', 'withdrawn'];

/** Search attribute for filtering onboardings in the Temporal UI and the API's list. IDs and statuses only. */
export const onboardingStatusSearchAttribute = defineSearchAttributeKey(
  'OnboardingStatus',
  SearchAttributeType.KEYWORD,
);

const DURATION_UNITS_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** A duration such as `500ms`, `30s`, `15m`, `24h` or `30d`. */
export const durationSchema = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)$/, 'must be a duration such as 500ms, 30s, 15m, 24h or 30d')
  // zod runs this even when the pattern failed, so it must not throw on a malformed value.
  .refine((value) => !/^\d+(ms|s|m|h|d)$/.test(value) || parseDuration(value) > 0, 'must be longer than zero');

/** Milliseconds in a duration that `durationSchema` accepted. */
export function parseDuration(value: string): number {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(value);
  if (!match) throw new TypeError(`not a duration: ${value}`);
  return Number(match[1]) * DURATION_UNITS_MS[match[2] as keyof typeof DURATION_UNITS_MS];
}

/**
 * One onboarding's timing policy. It is resolved in full when the onboarding starts (the API and
 * the CLI apply `DEFAULT_POLICY` and the configuration's overrides) and travels in the workflow's
 * input, so a release that changes a default changes only onboardings started after it.
 */
export const onboardingPolicySchema = z
  .strictObject({
    /** A check not complete by then goes to review as `timed_out`. */
    checkTimeout: durationSchema,
    /** Past it, an undecided review shows as `escalated`. */
    reviewSla: durationSchema,
    /** Past it, an undecided review ends `rejected` with reason `review_expired`. */
    reviewExpiry: durationSchema,
    /** First wait for a check's webhook before polling ComplyCube; doubles after each poll. */
    pollInterval: durationSchema,
    /** The longest wait between polls. */
    maxPollInterval: durationSchema,
    /** The longest one ComplyCube call (one activity attempt) may take. */
    callTimeout: durationSchema,
  })
  .refine((policy) => parseDuration(policy.reviewExpiry) > parseDuration(policy.reviewSla), {
    message: 'reviewExpiry must be longer than reviewSla',
    path: ['reviewExpiry'],
  });
export type OnboardingPolicy = z.infer<typeof onboardingPolicySchema>;

/** This release's defaults, applied when an onboarding starts. The workflow never reads them. */
export const DEFAULT_POLICY: OnboardingPolicy = {
  checkTimeout: '24h',
  reviewSla: '24h',
  reviewExpiry: '30d',
  pollInterval: '30s',
  maxPollInterval: '30m',
  callTimeout: '30s',
};

/** Some of a policy's fields: what an input may carry (runs started by 0.1.0 carry none or a few). */
export const policyOverridesSchema = z.strictObject({
  checkTimeout: durationSchema.optional(),
  reviewSla: durationSchema.optional(),
  reviewExpiry: durationSchema.optional(),
  pollInterval: durationSchema.optional(),
  maxPollInterval: durationSchema.optional(),
  callTimeout: durationSchema.optional(),
});
export type PolicyOverrides = z.infer<typeof policyOverridesSchema>;

/** A complete policy from defaults and overrides, or the reasons it is not valid. */
export function resolvePolicy(
  defaults: OnboardingPolicy,
  overrides: PolicyOverrides = {},
): { success: true; data: OnboardingPolicy } | { success: false; error: z.ZodError } {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
  return onboardingPolicySchema.safeParse({ ...defaults, ...defined });
}

export const onboardingRequestSchema = z.strictObject({
  clientId: complyCubeIdSchema,
  addressId: complyCubeIdSchema,
  documentId: complyCubeIdSchema,
  liveVideoId: complyCubeIdSchema,
});
/** What an onboarding needs: the ComplyCube objects both checks refer to. */
export type OnboardingRequest = z.infer<typeof onboardingRequestSchema>;

export const onboardingInputSchema = onboardingRequestSchema.extend({
  policy: policyOverridesSchema.optional(),
});
/**
 * The workflow's input: the request and its policy. Onboardings started since 0.2.0 carry the
 * whole policy; the workflow completes a partial or missing one with the defaults of 0.1.0.
 */
export type OnboardingInput = z.input<typeof onboardingInputSchema>;

export const reviewDecisionSchema = z.strictObject({
  decision: z.enum(['approve', 'reject']),
  reviewer: z.string().trim().min(1).max(200),
  reason: z.string().trim().min(1).max(2000),
});
/** A reviewer's decision, as the `reviewDecision` signal and the `submitReview` update carry it. */
export type ReviewDecision = z.infer<typeof reviewDecisionSchema>;

export const checkCompletedSchema = z.strictObject({
  checkId: complyCubeIdSchema,
  status: checkStatusSchema,
  outcome: checkOutcomeSchema.optional(),
  /** The webhook event it came from, for the audit trail. */
  eventId: z.string().max(100).optional(),
});
/** ComplyCube's word that a check finished, forwarded from its webhook. */
export type CheckCompleted = z.infer<typeof checkCompletedSchema>;

/** Where one check stands in the workflow. `timed_out` and `error` are the workflow's own verdicts. */
export type CheckProgress = 'creating' | 'pending' | 'complete' | 'failed' | 'timed_out' | 'error';

/** One check as the workflow, the query and the decision record see it. */
export interface CheckState {
  type: CheckType;
  checkId?: string;
  status: CheckProgress;
  outcome?: CheckOutcome;
  attentionAnalyses: string[];
  /** For `error`: the failure type, e.g. `ComplyCubeNotFound`. */
  error?: string;
  completedAt?: string;
}

/** One review message as it arrived, whether accepted or not. */
export interface ReviewEntry {
  at: string;
  via: 'signal' | 'update';
  accepted: boolean;
  decision?: string;
  reviewer?: string;
  reason?: string;
  /** Why it changed nothing: `invalid_payload: ...`, `review_not_due`, `already_decided`. */
  rejection?: string;
}

export type DecisionOutcome = 'approved' | 'rejected' | 'withdrawn';
export type DecidedByKind = 'automatic' | 'reviewer' | 'system';

/** The final decision: the workflow's result, and the row the decision store keeps. */
export interface OnboardingDecision {
  onboardingId: string;
  workflowId: string;
  runId: string;
  decision: DecisionOutcome;
  decidedByKind: DecidedByKind;
  /** `automatic`, the reviewer's identity, or `system`. */
  decidedBy: string;
  /** `all_checks_clear`, the reviewer's reason, `review_expired`, or `withdrawn`. */
  reason: string;
  /** Why the case went to review, if it did. */
  reviewReasons: string[];
  checks: CheckState[];
  startedAt: string;
  decidedAt: string;
}

/** What `getState` returns. */
export interface OnboardingState {
  onboardingId: string;
  workflowId: string;
  runId: string;
  status: OnboardingStatus;
  startedAt: string;
  checks: Record<CheckType, CheckState>;
  /** The timing policy this run was started with. */
  policy: OnboardingPolicy;
  reviewReasons: string[];
  reviewEscalatesAt?: string;
  reviewExpiresAt?: string;
  /** Accepted review messages, and the most recent refused ones. */
  reviews: ReviewEntry[];
  /**
   * Review messages the workflow received and refused, including those no longer kept in
   * `reviews`. Updates refused by their validator never reach the workflow and are not counted.
   */
  refusedReviews: number;
  /** Completion notices that matched no check of this run, or repeated one already handled. */
  ignoredNotices: number;
  decision?: OnboardingDecision;
}

export const getStateQuery = defineQuery<OnboardingState>('getState');
/** A check finished (from ComplyCube's webhook, via the API). */
export const checkCompletedSignal = defineSignal<[CheckCompleted]>('checkCompleted');
/** A reviewer's decision. Works from `temporal workflow signal` and the Temporal UI. */
export const reviewDecisionSignal = defineSignal<[ReviewDecision]>('reviewDecision');
/** The same decision as an Update: its validator tells the caller at once whether it was accepted. */
export const submitReviewUpdate = defineUpdate<OnboardingState, [ReviewDecision]>('submitReview');
