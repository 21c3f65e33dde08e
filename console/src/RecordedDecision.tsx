import { outcomeReasonText, statusText, when } from './format';
import type { Onboarding } from './types';

/** The decision that closed the case: what, by whom, when and why (a system reason in words, with its code). */
export function RecordedDecision({ decision }: { decision: NonNullable<Onboarding['decision']> }) {
  const explained = outcomeReasonText(decision.decidedByKind, decision.reason);
  return (
    <section aria-labelledby="decision-heading">
      <h2 id="decision-heading">Decision</h2>
      <p>
        <strong>{statusText(decision.decision)}</strong> by {decision.decidedBy} on {when(decision.decidedAt)}
      </p>
      {explained ? (
        <p className="reason">
          {explained} <code className="sub">{decision.reason}</code>
        </p>
      ) : (
        <p className="reason">{decision.reason}</p>
      )}
    </section>
  );
}
