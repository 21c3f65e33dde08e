import type { CheckState } from './onboarding-contract';

/** What the check results call for. */
export type CheckVerdict = { kind: 'approve' } | { kind: 'review'; reasons: string[] };

/**
 * Both checks complete and `clear` → approve automatically. Anything else → human review,
 * with one reason per check that is not clear: `identity_fraud_check.attention`,
 * `enhanced_identity_check.timed_out`, and so on.
 */
export function decideFromChecks(checks: readonly CheckState[]): CheckVerdict {
  if (checks.length === 0) return { kind: 'review', reasons: ['no_checks'] };
  const reasons = checks.flatMap((check) => {
    if (check.status === 'complete' && check.outcome === 'clear') return [];
    if (check.status === 'complete') return [`${check.type}.${check.outcome ?? 'no_outcome'}`];
    return [`${check.type}.${check.status}`];
  });
  return reasons.length === 0 ? { kind: 'approve' } : { kind: 'review', reasons };
}
