/**
 * What the workflow is given: its input, and the payloads of the messages people and the API
 * send it (review decisions, claims, completion notices), each with its zod schema.
 */
import { z } from 'zod';
import { checkOutcomeSchema, checkStatusSchema, complyCubeIdSchema } from '../../complycube/primitives';
import { policyOverridesSchema } from './policy';

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
