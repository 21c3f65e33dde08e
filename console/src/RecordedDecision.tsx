import { statusText, when } from './format';
import type { Onboarding } from './types';

/** The decision that closed the case: what, by whom, when and why. */
export function RecordedDecision({ decision }: { decision: NonNullable<Onboarding['decision']> }) {
  return (
    <section aria-labelledby="decision-heading">
      <h2 id="decision-heading">Decision</h2>
      <p>
        <strong>{statusText(decision.decision)}</strong> by {decision.decidedBy} on {when(decision.decidedAt)}
      </p>
      <p className="reason">{decision.reason}</p>
    </section>
  );
}
