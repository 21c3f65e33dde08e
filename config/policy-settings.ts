/**
 * The `POLICY_*` settings: this deployment's overrides of `DEFAULT_POLICY`, the policy every new
 * onboarding starts with (docs/versioning.md, "Policy fixed at start"). Part of `config.ts`'s schema.
 */
import { type z } from 'zod';
import { optionalString } from './env-values';
import {
  durationSchema,
  resubmissionRoundsSchema,
  secondApprovalSchema,
  secondApproverRolesSchema,
  signalDecisionsSchema,
  type PolicyOverrides,
} from '../workflows/onboarding-contract';

export const policyEnvShape = {
  POLICY_CHECK_TIMEOUT: durationSchema.optional(),
  POLICY_REVIEW_SLA: durationSchema.optional(),
  POLICY_REVIEW_EXPIRY: durationSchema.optional(),
  POLICY_POLL_INTERVAL: durationSchema.optional(),
  POLICY_MAX_POLL_INTERVAL: durationSchema.optional(),
  POLICY_CALL_TIMEOUT: durationSchema.optional(),
  POLICY_SECOND_APPROVAL: secondApprovalSchema.optional(),
  POLICY_SIGNAL_DECISIONS: signalDecisionsSchema.optional(),
  POLICY_CLAIM_LEASE: durationSchema.optional(),
  /** Comma-separated: `reviewer`, `senior_reviewer`. */
  POLICY_SECOND_APPROVER_ROLES: optionalString
    .transform((value) => value?.split(',').map((role) => role.trim()))
    .pipe(secondApproverRolesSchema.optional()),
  POLICY_RESUBMISSION_DEADLINE: durationSchema.optional(),
  POLICY_RESUBMISSION_ROUNDS: optionalString
    .transform((value) => (value === undefined ? undefined : Number(value)))
    .pipe(resubmissionRoundsSchema.optional()),
};

type PolicyEnv = { [K in keyof typeof policyEnvShape]?: z.output<(typeof policyEnvShape)[K]> };

/** The overrides the settings give (undefined where unset). */
export function policyOverrides(env: PolicyEnv): PolicyOverrides {
  return {
    checkTimeout: env.POLICY_CHECK_TIMEOUT,
    reviewSla: env.POLICY_REVIEW_SLA,
    reviewExpiry: env.POLICY_REVIEW_EXPIRY,
    pollInterval: env.POLICY_POLL_INTERVAL,
    maxPollInterval: env.POLICY_MAX_POLL_INTERVAL,
    callTimeout: env.POLICY_CALL_TIMEOUT,
    secondApproval: env.POLICY_SECOND_APPROVAL,
    signalDecisions: env.POLICY_SIGNAL_DECISIONS,
    claimLease: env.POLICY_CLAIM_LEASE,
    secondApproverRoles: env.POLICY_SECOND_APPROVER_ROLES,
    resubmissionDeadline: env.POLICY_RESUBMISSION_DEADLINE,
    resubmissionRounds: env.POLICY_RESUBMISSION_ROUNDS,
  };
}
