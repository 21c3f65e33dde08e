/** Starting and listing onboardings: the start's answer and the two kinds of page a listing gives. */
import { z } from 'zod';
import { complyCubeIdSchema } from '../../complycube/primitives';
import { onboardingStatusSchema, REVIEW_STATUSES } from '../../workflows/onboarding-contract';
import { onboardingLinksSchema, selfLinkSchema } from './common';
import { claimSchema, decisionSchema } from './onboarding';

/** What a start answers: the run it started (201), or the one this same request started before (200). */
export const startAnswerSchema = z
  .strictObject({
    onboardingId: z.string(),
    workflowId: z.string(),
    runId: z.string(),
    status: z.string().meta({
      description: 'The onboarding status; for a run that ended otherwise, how it ended (e.g. `terminated`)',
    }),
    decision: decisionSchema.optional().meta({ description: 'For an onboarding that has ended: its decision' }),
    links: onboardingLinksSchema,
  })
  .meta({
    examples: [
      {
        onboardingId: '5f7c6e8a9b0c1d2e3f4a5b6c',
        workflowId: 'onboarding-5f7c6e8a9b0c1d2e3f4a5b6c',
        runId: '0193f2a4-7c1e-7a51-9d3e-2b8f6c4d1e0a',
        status: 'checks_running',
        links: {
          self: '/v1/onboardings/5f7c6e8a9b0c1d2e3f4a5b6c',
          decisions: '/v1/decisions/5f7c6e8a9b0c1d2e3f4a5b6c',
        },
      },
    ],
  });

/** A case on the review desk, with what a reviewer needs to pick the next one. */
export const queueItemSchema = z.strictObject({
  onboardingId: z.string(),
  workflowId: z.string(),
  runId: z.string(),
  status: onboardingStatusSchema,
  reasons: z.array(z.string()),
  openedAt: z.string(),
  ageSeconds: z.number().int(),
  slaDueAt: z.string(),
  slaSecondsLeft: z.number().int().meta({ description: 'Negative once past the SLA' }),
  expiresAt: z.string(),
  claim: claimSchema.optional(),
  firstApprovalBy: z.string().optional(),
  secondApprovalRequired: z.boolean(),
  links: selfLinkSchema,
});

/** An onboarding as Temporal's visibility lists it. */
export const listItemSchema = z.strictObject({
  onboardingId: z.string(),
  workflowId: z.string(),
  runId: z.string().optional(),
  status: z.string().optional().meta({ description: 'The OnboardingStatus search attribute' }),
  startedAt: z.string().optional(),
  links: selfLinkSchema,
});

const nextPageToken = z.string().optional().meta({ description: 'Absent on the last page' });

export const listPageSchema = z
  .union([
    z.strictObject({ items: z.array(queueItemSchema), nextPageToken }),
    z.strictObject({ items: z.array(listItemSchema), nextPageToken }),
  ])
  .meta({
    examples: [
      {
        items: [
          {
            onboardingId: '5f7c6e8a9b0c1d2e3f4a5b6c',
            workflowId: 'onboarding-5f7c6e8a9b0c1d2e3f4a5b6c',
            runId: '0193f2a4-7c1e-7a51-9d3e-2b8f6c4d1e0a',
            status: 'approved',
            startedAt: '2026-01-15T10:30:00.000Z',
            links: { self: '/v1/onboardings/5f7c6e8a9b0c1d2e3f4a5b6c' },
          },
        ],
      },
    ],
  });

export const listQuerySchema = z.strictObject({
  status: onboardingStatusSchema.optional(),
  queue: z
    .literal('review')
    .optional()
    .meta({ description: `Every case on the review desk (${REVIEW_STATUSES.join(', ')}), oldest first` }),
  reason: z
    .string()
    .regex(/^[a-z_]+\.[a-z_]+$/)
    .max(100)
    .optional()
    .meta({ description: 'Review desk only: cases opened for this reason, e.g. `enhanced_identity_check.attention`' }),
  slaBreached: z
    .enum(['true', 'false'])
    .optional()
    .meta({ description: 'Review desk only: `true` lists the cases past their review SLA' }),
  assignee: z
    .literal('me')
    .optional()
    .meta({ description: 'Review desk only: `me` lists the cases the caller holds (claimed or assigned)' }),
  clientId: complyCubeIdSchema
    .optional()
    .meta({ description: 'Review desk only: the case of this client (its onboarding ID)' }),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  pageToken: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .max(4096)
    .optional(),
});

export type QueueItem = z.infer<typeof queueItemSchema>;
