/**
 * An onboarding as the API answers it: the run's own state (its `getState` query), the decision
 * the store keeps once Temporal has forgotten the run, or, while no worker can answer the query,
 * a partial view from Temporal's visibility and the review queue. Each part is checked against
 * the contract's type below, so the schema and the contract cannot drift apart.
 */
import { z } from 'zod';
import { checkOutcomeSchema, checkTypeSchema } from '../../complycube/primitives';
import {
  onboardingPolicySchema,
  onboardingStatusSchema,
  resubmissionAskSchema,
  reviewChannelSchema,
  type ResubmissionRequest,
  type Approval,
  type CaseClaim,
  type CheckState,
  type OnboardingDecision,
  type ReviewEntry,
  type TimelineEntry,
} from '../../workflows/onboarding-contract';
import { onboardingLinksSchema } from './common';
import { sameShape } from './same-shape';

const at = z.string().meta({ description: 'ISO 8601 time', examples: ['2026-01-15T10:30:00.000Z'] });
const id = z.string().meta({ examples: ['5f7c6e8a9b0c1d2e3f4a5b6c'] });

export const checkStateSchema = z.strictObject({
  type: checkTypeSchema,
  checkId: z.string().optional(),
  status: z.enum(['creating', 'pending', 'complete', 'failed', 'timed_out', 'error']),
  outcome: checkOutcomeSchema.optional(),
  attentionAnalyses: z.array(z.string()),
  error: z.string().optional().meta({ description: 'For `error`: the failure type, e.g. `ComplyCubeNotFound`' }),
  errorDetail: z
    .string()
    .optional()
    .meta({ description: "For `error`: ComplyCube's answer, e.g. `422 image_unreadable (documentId)`" }),
  completedAt: at.optional(),
});

export const claimSchema = z.strictObject({
  reviewer: z.string(),
  channel: reviewChannelSchema,
  verified: z.boolean().optional().meta({ description: "The worker verified the API's signed assertion of it" }),
  claimedAt: at,
  expiresAt: at,
  assignedBy: z
    .string()
    .optional()
    .meta({ description: 'The senior reviewer who assigned the case to `reviewer`; absent for a claim taken' }),
});

export const approvalSchema = z.strictObject({
  reviewer: z.string(),
  channel: reviewChannelSchema,
  asserted: z.boolean().meta({ description: 'The name was typed by the sender of a signal, not authenticated' }),
  verified: z
    .boolean()
    .optional()
    .meta({ description: "The worker verified the API's signed assertion of it; only these count toward four-eyes" }),
  roles: z.array(z.string()).optional().meta({ description: "The reviewer's roles, as the assertion states them" }),
  reason: z.string(),
  reasonCodes: z.array(z.string()).optional().meta({ description: 'Codes from the documented list, beside `reason`' }),
  at,
});

export const timelineEntrySchema = z.strictObject({
  at,
  kind: z.enum([
    'started',
    'check_created',
    'check_completed',
    'webhook',
    'poll',
    'review_opened',
    'escalated',
    'claimed',
    'released',
    'first_approval',
    'resubmission_requested',
    'resubmitted',
    'decided',
  ]),
  detail: z.string().optional(),
});

export const reviewEntrySchema = z.strictObject({
  at,
  via: z.enum(['signal', 'update']),
  accepted: z.boolean(),
  decision: z.string().optional(),
  reviewer: z.string().optional(),
  reason: z.string().optional(),
  rejection: z.string().optional(),
});

export const decisionSchema = z.strictObject({
  onboardingId: id,
  workflowId: z.string(),
  runId: z.string(),
  decision: z.enum(['approved', 'rejected', 'expired', 'withdrawn']),
  decidedByKind: z.enum(['automatic', 'reviewer', 'system']),
  decidedBy: z.string(),
  reason: z.string(),
  reviewReasons: z.array(z.string()),
  checks: z.array(checkStateSchema),
  startedAt: at,
  decidedAt: at,
  channel: reviewChannelSchema.optional(),
  verified: z
    .boolean()
    .optional()
    .meta({ description: "A reviewer's decision whose assertion the worker verified (since 0.5.0)" }),
  approvals: z.array(approvalSchema).optional(),
  reasonCodes: z
    .array(z.string())
    .optional()
    .meta({ description: "A reviewer's codes from the documented list, beside `reason` (since 0.9.0)" }),
  recordedAt: at.optional().meta({ description: 'When the decision store recorded it' }),
});

export const resubmissionRequestSchema = z.strictObject({
  ...resubmissionAskSchema.shape,
  round: z.number().int(),
  requestedBy: z.string(),
  channel: z.enum(['console', 'api', 'cli']),
  note: z.string().meta({ description: "The reviewer's note (shown to reviewers; not sent to webhooks)" }),
  requestedAt: at,
  dueAt: at.meta({ description: 'Past it without a resubmission, the onboarding ends `expired`' }),
});

sameShape<z.infer<typeof resubmissionRequestSchema>, ResubmissionRequest>(true);
sameShape<z.infer<typeof checkStateSchema>, CheckState>(true);
sameShape<z.infer<typeof claimSchema>, CaseClaim>(true);
sameShape<z.infer<typeof approvalSchema>, Approval>(true);
sameShape<z.infer<typeof timelineEntrySchema>, TimelineEntry>(true);
sameShape<z.infer<typeof reviewEntrySchema>, ReviewEntry>(true);
sameShape<Omit<z.infer<typeof decisionSchema>, 'recordedAt'>, OnboardingDecision>(true);

const example = {
  onboardingId: '5f7c6e8a9b0c1d2e3f4a5b6c',
  workflowId: 'onboarding-5f7c6e8a9b0c1d2e3f4a5b6c',
  runId: '0193f2a4-7c1e-7a51-9d3e-2b8f6c4d1e0a',
  status: 'awaiting_review',
  startedAt: '2026-01-15T10:30:00.000Z',
  checks: [
    {
      type: 'identity_fraud_check',
      checkId: '6a1b2c3d4e5f60718293a4b5',
      status: 'complete',
      outcome: 'attention',
      attentionAnalyses: ['watchlist'],
    },
    {
      type: 'enhanced_identity_check',
      checkId: '6a1b2c3d4e5f60718293a4b6',
      status: 'complete',
      outcome: 'clear',
      attentionAnalyses: [],
    },
  ],
  reviewReasons: ['identity_fraud_check: attention (watchlist)'],
  links: { self: '/v1/onboardings/5f7c6e8a9b0c1d2e3f4a5b6c', decisions: '/v1/decisions/5f7c6e8a9b0c1d2e3f4a5b6c' },
};

/** The run's own state, from its `getState` query. */
export const onboardingViewSchema = z
  .strictObject({
    onboardingId: id,
    workflowId: z.string(),
    runId: z.string(),
    status: onboardingStatusSchema,
    startedAt: at,
    checks: z.array(checkStateSchema),
    reviewReasons: z.array(z.string()),
    reviewOpenedAt: at.optional(),
    reviewEscalatesAt: at.optional(),
    reviewExpiresAt: at.optional(),
    escalated: z.boolean(),
    secondApprovalRequired: z.boolean(),
    claim: claimSchema.optional().meta({ description: 'Shown only while it holds' }),
    firstApproval: approvalSchema.optional(),
    resubmission: resubmissionRequestSchema
      .optional()
      .meta({ description: 'While `awaiting_resubmission`: what the applicant was asked for, and until when' }),
    resubmissionRounds: z.number().int().meta({ description: 'Resubmissions requested so far' }),
    supersededChecks: z
      .array(checkStateSchema)
      .optional()
      .meta({ description: 'Checks a resubmission replaced, oldest first' }),
    timeline: z.array(timelineEntrySchema),
    policy: z.strictObject(onboardingPolicySchema.shape).partial().meta({ description: 'The run’s timing policy' }),
    reviews: z.array(reviewEntrySchema),
    refusedReviews: z.number().int(),
    decision: decisionSchema.optional(),
    links: onboardingLinksSchema,
  })
  .meta({
    examples: [
      {
        ...example,
        escalated: false,
        secondApprovalRequired: true,
        resubmissionRounds: 0,
        timeline: [],
        reviews: [],
        refusedReviews: 0,
      },
    ],
  });

/** An onboarding Temporal has forgotten: its latest decision, from the decision store. */
export const decidedOnboardingViewSchema = z.strictObject({
  onboardingId: id,
  workflowId: z.string(),
  runId: z.string(),
  status: z.enum(['approved', 'rejected', 'expired', 'withdrawn']),
  startedAt: at,
  checks: z.array(checkStateSchema),
  reviewReasons: z.array(z.string()),
  decision: decisionSchema,
  links: onboardingLinksSchema,
});

/** A running onboarding whose state query no worker can answer yet (a worker restart): what is known elsewhere. */
export const partialOnboardingViewSchema = z
  .strictObject({
    onboardingId: id,
    workflowId: z.string(),
    runId: z.string(),
    status: onboardingStatusSchema.meta({ description: 'From the OnboardingStatus search attribute' }),
    startedAt: at.optional(),
    partial: z.literal(true),
    message: z.string(),
    reviewReasons: z.array(z.string()).optional(),
    reviewOpenedAt: at.optional(),
    reviewEscalatesAt: at.optional(),
    reviewExpiresAt: at.optional(),
    secondApprovalRequired: z.boolean().optional(),
    claim: claimSchema.optional(),
    firstApproval: approvalSchema.optional(),
    links: onboardingLinksSchema,
  })
  .meta({ description: 'A partial view: the workflow could not answer its state query in time' });

export const anyOnboardingViewSchema = z
  .union([onboardingViewSchema, decidedOnboardingViewSchema, partialOnboardingViewSchema])
  .meta({
    examples: [
      {
        ...example,
        escalated: false,
        secondApprovalRequired: true,
        resubmissionRounds: 0,
        timeline: [],
        reviews: [],
        refusedReviews: 0,
      },
    ],
  });

export type OnboardingView = z.infer<typeof onboardingViewSchema>;
export type PartialOnboardingView = z.infer<typeof partialOnboardingViewSchema>;
export type AnyOnboardingView = z.infer<typeof anyOnboardingViewSchema>;
export type DecisionView = z.infer<typeof decisionSchema>;
