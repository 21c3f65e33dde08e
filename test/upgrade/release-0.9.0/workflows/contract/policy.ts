/**
 * One onboarding's timing and review policy: durations, the policy schema, this release's
 * defaults, and how overrides complete it.
 */
import { z } from 'zod';

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
/** The reviewer roles that may give the second of two approvals (four-eyes). */
export const secondApproverRolesSchema = z
  .array(z.enum(['reviewer', 'senior_reviewer']))
  .min(1)
  .max(2);
export type SecondApproverRole = z.infer<typeof secondApproverRolesSchema>[number];
export const resubmissionRoundsSchema = z.number().int().min(0).max(5);

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
    /**
     * Whether a `reviewDecision` signal (Temporal CLI or UI, reviewer name asserted) may decide.
     * Refused by default since 0.5.0; where accepted, it never counts as one of two approvals.
     */
    signalDecisions: signalDecisionsSchema,
    /** Who may give the second approval: roles from the verified review assertion. */
    secondApproverRoles: secondApproverRolesSchema,
    /** How long a reviewer's claim on a case holds unless released or renewed. */
    claimLease: durationSchema,
    /** How long the applicant has to resubmit what a reviewer asked for; past it the case ends `expired`. */
    resubmissionDeadline: durationSchema,
    /** How many times a reviewer may ask for a resubmission in one onboarding (0: never). */
    resubmissionRounds: resubmissionRoundsSchema,
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
  signalDecisions: 'refused',
  secondApproverRoles: ['reviewer', 'senior_reviewer'],
  claimLease: '15m',
  resubmissionDeadline: '14d',
  resubmissionRounds: 2,
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
  secondApproverRoles: secondApproverRolesSchema.optional(),
  claimLease: durationSchema.optional(),
  resubmissionDeadline: durationSchema.optional(),
  resubmissionRounds: resubmissionRoundsSchema.optional(),
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
