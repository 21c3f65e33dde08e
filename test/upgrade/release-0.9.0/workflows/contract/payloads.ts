/**
 * What the workflow is given: its input, and the payloads of the messages people and the API
 * send it (review decisions, claims, completion notices), each with its zod schema.
 */
import { z } from 'zod';
import { checkOutcomeSchema, checkStatusSchema, complyCubeIdSchema } from '../../../../../complycube/primitives';
import { DECISION_REASON_CODES, REASON_CODES_FOR } from '../decision-reasons';
import { policyOverridesSchema } from './policy';
import { namesAnObject, resubmissionAskSchema, resubmissionFields } from './resubmission';

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

/**
 * A review assertion: the API's signed word (a compact JWS, HS256, with a key ID) that the named
 * reviewer's authenticated session or token sent this very message (`security/review-assertions.ts`).
 * The worker checks it (a local activity) before the workflow takes the message. Optional in the
 * schema only because Updates recorded before 0.5.0 carry none and must replay; a new Update
 * without one is refused by its validator.
 */
export const reviewAssertionSchema = z
  .string()
  .max(4096)
  .regex(/^[\w-]+\.[\w-]+\.[\w-]+$/, 'must be a compact JWS issued by the API');

/** A decision as the `submitReview` update carries it: from the API, which authenticated the reviewer. */
export const reviewUpdateSchema = reviewDecisionSchema
  .extend({
    /** Since 0.8.0 an Update may also ask the applicant to resubmit (`resubmission` says what and why). */
    decision: z.enum(['approve', 'reject', 'request_resubmission']),
    resubmission: resubmissionAskSchema.optional(),
    /** Since 0.9.0: codes from `decision-reasons.ts` for an approval or a rejection, beside `reason`. */
    reasonCodes: z.array(z.enum(DECISION_REASON_CODES)).min(1).max(10).optional(),
    channel: updateChannelSchema.default('api'),
    assertion: reviewAssertionSchema.optional(),
  })
  .refine((review) => (review.decision === 'request_resubmission') === (review.resubmission !== undefined), {
    message: 'resubmission is required with request_resubmission, and only with it',
    path: ['resubmission'],
  })
  .refine(
    (review) =>
      review.reasonCodes === undefined ||
      (review.decision !== 'request_resubmission' &&
        review.reasonCodes.every((code) => REASON_CODES_FOR[review.decision as 'approve' | 'reject'].includes(code))),
    { message: 'reasonCodes must be codes for this decision (see decision-reasons)', path: ['reasonCodes'] },
  );
export type ReviewUpdate = z.input<typeof reviewUpdateSchema>;

/** Who claims or releases a case, through what, and the API's assertion of it. */
export const claimRequestSchema = z.strictObject({
  reviewer: reviewerSchema,
  channel: updateChannelSchema,
  assertion: reviewAssertionSchema.optional(),
});
export type ClaimRequest = z.infer<typeof claimRequestSchema>;

/**
 * A senior reviewer assigns the case to a reviewer (since 0.9.0): `assignedBy` is the senior, whom
 * the API's assertion vouches for, with the assignee bound in it.
 */
export const assignRequestSchema = z.strictObject({
  assignee: reviewerSchema,
  assignedBy: reviewerSchema,
  channel: updateChannelSchema,
  assertion: reviewAssertionSchema,
});
export type AssignRequest = z.infer<typeof assignRequestSchema>;

/** What a review assertion vouches for: one reviewer, one action on one run, one Update. */
export type AssertedAction = 'decide' | 'claim' | 'release' | 'resubmit' | 'assign';

/**
 * The `submitResubmission` Update: the new objects, and the API's assertion that a service token
 * (`submittedBy`) sent exactly these, checked by the worker like a reviewer's (since 0.8.0).
 */
export const resubmissionUpdateSchema = z
  .strictObject({
    ...resubmissionFields,
    submittedBy: reviewerSchema,
    channel: updateChannelSchema,
    assertion: reviewAssertionSchema,
  })
  .refine(...namesAnObject);
export type ResubmissionUpdate = z.infer<typeof resubmissionUpdateSchema>;

/** A review message as its assertion must describe it (the worker compares the two). */
export interface AssertedMessage {
  /** The reviewer's subject: a token's configured name, or the IdP's subject. */
  reviewer: string;
  channel: 'console' | 'api' | 'cli';
  workflowId: string;
  action: AssertedAction;
  /** The Update's ID: an assertion is good for that one Update. */
  updateId: string;
  decision?: 'approve' | 'reject' | 'request_resubmission';
  reason?: string;
}

/** Why an assertion does not hold. */
export type AssertionProblem = 'no_keys' | 'unknown_key' | 'bad_signature' | 'expired' | 'malformed' | 'mismatch';

/** The worker's finding on an assertion: the verified reviewer and roles, or why not. */
export type AssertionVerdict =
  { verified: true; reviewer: string; roles: string[] } | { verified: false; problem: AssertionProblem };

export const checkCompletedSchema = z.strictObject({
  checkId: complyCubeIdSchema,
  status: checkStatusSchema,
  outcome: checkOutcomeSchema.optional(),
  /** The webhook event it came from, for the audit trail. */
  eventId: z.string().max(100).optional(),
});
/** ComplyCube's word that a check finished, forwarded from its webhook. */
export type CheckCompleted = z.infer<typeof checkCompletedSchema>;
