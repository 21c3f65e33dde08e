/**
 * The ComplyCube schemas the workflow bundle needs (IDs, check types, statuses, outcomes), and the
 * zod error formatter, apart from the full object schemas in `schemas.ts`: workflow code runs its
 * modules' top level again for every workflow it starts or replays, so it imports only this.
 * Imports nothing from Node.
 */
import { z } from 'zod';

/** ComplyCube IDs are 24-character lowercase hex strings. */
export const complyCubeIdSchema = z
  .string()
  .regex(/^[0-9a-f]{24}$/, 'must be a ComplyCube ID (24 lowercase hex characters)');

/** The per-analysis verdict used throughout both breakdowns. */
export const analysisStatusSchema = z.enum(['clear', 'attention']);
export type AnalysisStatus = z.infer<typeof analysisStatusSchema>;

export const checkTypeSchema = z.enum(['identity_fraud_check', 'enhanced_identity_check']);
/** The two check types every onboarding runs. */
export type CheckType = z.infer<typeof checkTypeSchema>;

export const checkStatusSchema = z.enum(['pending', 'complete', 'failed']);
/** `pending` → `complete`, or `failed`. */
export type CheckStatus = z.infer<typeof checkStatusSchema>;

/**
 * `clear` and `attention` are the documented outcomes of both checks; `not_processed`
 * is what the sandbox reports for a client whose last name is `failed`.
 */
export const checkOutcomeSchema = z.enum(['clear', 'attention', 'not_processed']);
export type CheckOutcome = z.infer<typeof checkOutcomeSchema>;

/** Formats a zod error as one line naming each offending field, e.g. `result.outcome: Invalid option`. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.map(String).join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}
