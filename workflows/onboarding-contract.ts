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
} from '../complycube/primitives';

export * from './review-refusals';

export const TASK_QUEUE = 'onboarding';
export const WORKFLOW_TYPE = 'onboardingWorkflow';

/**
 * The task queue of every ComplyCube call (`startCheck`, `fetchCheck`) for onboardings on
 * `taskQueue`: its workers' dispatch rate is capped fleet-wide (`COMPLYCUBE_RATE_LIMIT`).
 */
export const complyCubeTaskQueue = (taskQueue: string) => `${taskQueue}-complycube`;

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
  'awaiting_second_approval',
  'approved',
  'rejected',
  'withdrawn',
]);
/** Where an onboarding stands; kept in the `OnboardingStatus` search attribute too. */
export type OnboardingStatus = z.infer<typeof onboardingStatusSchema>;
export const FINAL_STATUSES: readonly OnboardingStatus[] = ['approved', 'rejected', 'withdrawn'];
/** The statuses of a case on the review desk: a reviewer's decision is due. */
export const REVIEW_STATUSES = ['awaiting_review', 'escalated', 'awaiting_second_approval'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

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

export const secondApprovalSchema = z.enum(['identity_fraud_attention', 'any_review', 'never']);
/**
 * When an approval needs a second reviewer: when the identity fraud check needs attention (the
 * default), for every reviewed approval, or never. A rejection never does.
 */
export type SecondApproval = z.infer<typeof secondApprovalSchema>;
export const signalDecisionsSchema = z.enum(['accepted', 'refused']);

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
    /** Which approvals need a second, different reviewer (four-eyes). */
    secondApproval: secondApprovalSchema,
    /** Whether a `reviewDecision` signal (Temporal CLI or UI, reviewer name asserted) may decide. */
    signalDecisions: signalDecisionsSchema,
    /** How long a reviewer's claim on a case holds unless released or renewed. */
    claimLease: durationSchema,
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
  secondApproval: 'identity_fraud_attention',
  signalDecisions: 'accepted',
  claimLease: '15m',
};

/** Some of a policy's fields: what an input may carry (runs started by 0.1.0 carry none or a few). */
export const policyOverridesSchema = z.strictObject({
  checkTimeout: durationSchema.optional(),
  reviewSla: durationSchema.optional(),
  reviewExpiry: durationSchema.optional(),
  pollInterval: durationSchema.optional(),
  maxPollInterval: durationSchema.optional(),
  callTimeout: durationSchema.optional(),
  secondApproval: secondApprovalSchema.optional(),
  signalDecisions: signalDecisionsSchema.optional(),
  claimLease: durationSchema.optional(),
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

const reviewerSchema = z.string().trim().min(1).max(200);

export const reviewDecisionSchema = z.strictObject({
  decision: z.enum(['approve', 'reject']),
  reviewer: reviewerSchema,
  reason: z.string().trim().min(1).max(2000),
});
/** A reviewer's decision, as the `reviewDecision` signal carries it (the reviewer's name asserted by the sender). */
export type ReviewDecision = z.infer<typeof reviewDecisionSchema>;

/** How a review action reached the workflow. `signal`: the Temporal CLI or UI, the reviewer's name unverified. */
export const reviewChannelSchema = z.enum(['console', 'api', 'cli', 'signal']);
export type ReviewChannel = z.infer<typeof reviewChannelSchema>;
/** The channels of an Update: the API (console or bearer token) and the operator CLI, each of which names its reviewer. */
const updateChannelSchema = z.enum(['console', 'api', 'cli']);

/** A decision as the `submitReview` update carries it: from a channel that authenticated the reviewer. */
export const reviewUpdateSchema = reviewDecisionSchema.extend({ channel: updateChannelSchema.default('api') });
export type ReviewUpdate = z.input<typeof reviewUpdateSchema>;

/** Who claims or releases a case, and through what. */
export const claimRequestSchema = z.strictObject({ reviewer: reviewerSchema, channel: updateChannelSchema });
export type ClaimRequest = z.infer<typeof claimRequestSchema>;

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

/** A reviewer's hold on a case, so that two reviewers do not work it at once. */
export interface CaseClaim {
  reviewer: string;
  channel: ReviewChannel;
  claimedAt: string;
  /** It lapses then unless renewed; a lapsed claim holds nobody back. */
  expiresAt: string;
}

/** An approval on the record: the first of two (four-eyes), or the one that decided. */
export interface Approval {
  reviewer: string;
  channel: ReviewChannel;
  /** The reviewer's name was typed by the sender of a signal, not authenticated. */
  asserted: boolean;
  reason: string;
  at: string;
}

/** One step of a case, for the reviewer's timeline. */
export interface TimelineEntry {
  at: string;
  kind:
    | 'started'
    | 'check_created'
    | 'check_completed'
    | 'webhook'
    | 'poll'
    | 'review_opened'
    | 'escalated'
    | 'claimed'
    | 'released'
    | 'first_approval'
    | 'decided';
  /** IDs and verdicts only: the check type, the check ID, the outcome, the reviewer. */
  detail?: string;
}

/** A review action on the audit trail: accepted or refused, by whom, through what, and why. */
export interface ReviewAction {
  /** Unique per run and step, so that a retried write keeps one row. */
  id: string;
  onboardingId: string;
  workflowId: string;
  runId: string;
  kind: 'claim' | 'release' | 'first_approval' | 'decision' | 'refused';
  actor: string;
  channel: ReviewChannel;
  /** False when the actor's name is only asserted (a signal). */
  authenticated: boolean;
  decision?: 'approve' | 'reject';
  reason?: string;
  /** For `refused`: why (`claimed_by_other`, `review_not_due`, …). */
  refusal?: string;
  at: string;
}

/** A case on the review desk, as the review queue keeps it. Newer versions replace older ones. */
export interface ReviewCase {
  onboardingId: string;
  workflowId: string;
  runId: string;
  /** A review status while on the desk; the final status once decided. */
  status: OnboardingStatus;
  reasons: string[];
  openedAt: string;
  slaDueAt: string;
  expiresAt: string;
  claim?: CaseClaim;
  firstApproval?: Approval;
  secondApprovalRequired: boolean;
  version: number;
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
  /** For a reviewer's decision: how it reached the workflow. */
  channel?: ReviewChannel;
  /** The reviewers who approved: the first of two, then the one who decided (four-eyes). */
  approvals?: Approval[];
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
  reviewOpenedAt?: string;
  reviewEscalatesAt?: string;
  reviewExpiresAt?: string;
  /** Past the review SLA (kept while a first approval waits for its second). */
  escalated?: boolean;
  /** Whether an approval of this case takes two reviewers. */
  secondApprovalRequired?: boolean;
  claim?: CaseClaim;
  firstApproval?: Approval;
  /** The case's steps, oldest first (polls are counted, not listed, past a few). */
  timeline?: TimelineEntry[];
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
export const submitReviewUpdate = defineUpdate<OnboardingState, [ReviewUpdate]>('submitReview');
/** A reviewer takes a case for the policy's claim lease (or renews it). */
export const claimCaseUpdate = defineUpdate<OnboardingState, [ClaimRequest]>('claimCase');
/** The claim's holder lets the case go. */
export const releaseCaseUpdate = defineUpdate<OnboardingState, [ClaimRequest]>('releaseCase');
/** Writes the case to the review queue again (after an upgrade, for cases that entered review before). */
export const syncReviewCaseUpdate = defineUpdate<OnboardingState, []>('syncReviewCase');

/** What the Temporal UI shows beside each message; `checkCompleted` is the API's, not a person's. */
export const HANDLER_DESCRIPTIONS = {
  getState: 'The onboarding as it stands: status, checks, review, claim, approvals, decision.',
  checkCompleted: 'Internal: ComplyCube said a check finished (sent by the API from its webhook). Not for people.',
  reviewDecision:
    'A reviewer decides: {"decision":"approve"|"reject","reviewer":"name","reason":"…"}. The name is recorded as asserted.',
  submitReview: 'A reviewer decides, through the API or the CLI, which name the reviewer.',
  claimCase: 'A reviewer takes the case for the claim lease: {"reviewer":"name","channel":"cli"}.',
  releaseCase: 'The claim\'s holder lets the case go: {"reviewer":"name","channel":"cli"}.',
  syncReviewCase: 'Operators: writes the case to the review queue again (after an upgrade).',
} as const;
