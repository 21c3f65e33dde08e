/** A reviewer's side of a case: the decision's body and answers, the audit trail and the evidence. */
import { z } from 'zod';
import { checkOutcomeSchema, checkTypeSchema } from '../../complycube/primitives';
import {
  DECISION_REASON_CODES,
  REASON_CODES_FOR,
  resubmissionAskSchema,
  reviewChannelSchema,
  reviewDecisionSchema,
  type ReviewAction,
} from '../../workflows/onboarding-contract';
import { onboardingLinksSchema } from './common';
import { sameShape } from './same-shape';

/** Reasons and notes are read by people and kept on the record: no control characters but line breaks and tabs. */
export const reviewTextSchema = reviewDecisionSchema.shape.reason.refine(
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  (text) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text),
  'must not contain control characters',
);

export const reviewBodySchema = reviewDecisionSchema
  .omit({ reviewer: true })
  .extend({
    decision: z.enum(['approve', 'reject', 'request_resubmission']).meta({
      description: '`request_resubmission` (since 0.8.0) asks the applicant for what `resubmission` names',
    }),
    reason: reviewTextSchema,
    resubmission: resubmissionAskSchema.optional().meta({
      description:
        'With `request_resubmission` only: the items (`document`, `live_video`) and reason codes (docs/resubmission.md); ' +
        '`reason` is the note',
    }),
    reasonCodes: z.array(z.enum(DECISION_REASON_CODES)).min(1).max(10).optional().meta({
      description:
        'With `approve` or `reject` (since 0.9.0): codes from the documented list (docs/reviewer-view.md), beside `reason`',
    }),
  })
  .refine((body) => (body.decision === 'request_resubmission') === (body.resubmission !== undefined), {
    message: 'resubmission is required with request_resubmission, and only with it',
    path: ['resubmission'],
  })
  .refine(
    (body) =>
      body.reasonCodes === undefined ||
      (body.decision !== 'request_resubmission' &&
        body.reasonCodes.every((code) => REASON_CODES_FOR[body.decision as 'approve' | 'reject'].includes(code))),
    { message: 'reasonCodes must be codes for this decision', path: ['reasonCodes'] },
  )
  .meta({
    examples: [
      { decision: 'approve', reason: 'Watchlist hit is a namesake; date of birth differs.' },
      {
        decision: 'request_resubmission',
        reason: 'The passport photo page is cut off at the bottom.',
        resubmission: { items: ['document'], reasonCodes: ['document_incomplete'] },
      },
    ],
  });

/** Accepted, but the decision is still being recorded: follow the link. */
export const decisionRecordingSchema = z.strictObject({
  onboardingId: z.string(),
  status: z.literal('decision_recording'),
  message: z.string(),
  links: onboardingLinksSchema,
});

export const reviewActionSchema = z.strictObject({
  id: z.string(),
  onboardingId: z.string(),
  workflowId: z.string(),
  runId: z.string(),
  kind: z.enum([
    'claim',
    'release',
    'first_approval',
    'decision',
    'resubmission_requested',
    'refused',
    'note',
    'assignment',
  ]),
  actor: z.string(),
  channel: reviewChannelSchema,
  authenticated: z.boolean().meta({ description: "False when the actor's name is only asserted (a signal)" }),
  decision: z.enum(['approve', 'reject', 'request_resubmission']).optional(),
  reason: z.string().optional(),
  resubmission: resubmissionAskSchema
    .optional()
    .meta({ description: 'For `resubmission_requested`: what the applicant was asked for, and why' }),
  refusal: z.string().optional().meta({ description: 'For `refused`: why, a code of the refusal union' }),
  reasonCodes: z
    .array(z.string())
    .optional()
    .meta({ description: 'For a decision or first approval: codes from the documented list, beside `reason`' }),
  assignee: z.string().optional().meta({ description: 'For `assignment`: who the case was assigned to' }),
  at: z.string(),
});
sameShape<z.infer<typeof reviewActionSchema>, ReviewAction>(true);

export const auditTrailSchema = z.strictObject({ onboardingId: z.string(), items: z.array(reviewActionSchema) }).meta({
  examples: [
    {
      onboardingId: '5f7c6e8a9b0c1d2e3f4a5b6c',
      items: [
        {
          id: 'claim:0193f2a4:1',
          onboardingId: '5f7c6e8a9b0c1d2e3f4a5b6c',
          workflowId: 'onboarding-5f7c6e8a9b0c1d2e3f4a5b6c',
          runId: '0193f2a4-7c1e-7a51-9d3e-2b8f6c4d1e0a',
          kind: 'claim',
          actor: 'reviewer-alice',
          channel: 'console',
          authenticated: true,
          at: '2026-01-15T10:40:00.000Z',
        },
      ],
    },
  ],
});

export const analysisEvidenceSchema = z.strictObject({
  name: z.string(),
  attention: z.boolean(),
  verdicts: z.array(z.strictObject({ field: z.string(), verdict: z.string() })),
  evidence: z.unknown().meta({ description: "ComplyCube's own breakdown for the analysis, as it gives it" }),
});

export const checkEvidenceSchema = z.union([
  z.strictObject({
    type: checkTypeSchema,
    checkId: z.string(),
    status: z.string(),
    outcome: checkOutcomeSchema.optional(),
    available: z.literal(true),
    analyses: z.array(analysisEvidenceSchema),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
  z.strictObject({
    type: checkTypeSchema,
    checkId: z.string().optional(),
    status: z.string(),
    available: z.literal(false).meta({ description: 'Not created yet, or ComplyCube could not be read' }),
  }),
]);

export const evidenceSchema = z.strictObject({ onboardingId: z.string(), checks: z.array(checkEvidenceSchema) }).meta({
  examples: [
    {
      onboardingId: '5f7c6e8a9b0c1d2e3f4a5b6c',
      checks: [{ type: 'enhanced_identity_check', status: 'creating', available: false }],
    },
  ],
});

export type AuditAction = z.infer<typeof reviewActionSchema>;
export type CheckEvidence = z.infer<typeof checkEvidenceSchema>;
export type AnalysisEvidence = z.infer<typeof analysisEvidenceSchema>;
