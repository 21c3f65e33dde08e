import { AssignCase } from './AssignCase';
import { ClaimBar } from './ClaimBar';
import { DecisionForm } from './DecisionForm';
import { InternalNote } from './InternalNote';
import type { Onboarding } from './types';

/**
 * What a reviewer does to a case, in the case page's right-hand column: claim it, decide it,
 * (a senior) assign it, and leave an internal note. An auditor is told the case is read-only.
 */
export function ReviewDesk(props: {
  state: Onboarding;
  inReview: boolean;
  reviewer: string;
  canDecide: boolean;
  senior: boolean;
  onDone: () => void;
}) {
  const { state, inReview, reviewer, canDecide, senior, onDone } = props;
  if (!canDecide) {
    return inReview ? (
      <p className="read-only" role="note">
        Read-only: an auditor sees the case, its evidence and its record, and does not claim or decide.
      </p>
    ) : null;
  }
  return (
    <>
      {inReview && (
        <section aria-labelledby="decide-heading" className="decide">
          <h2 id="decide-heading">Decide</h2>
          <ClaimBar onboardingId={state.onboardingId} claim={state.claim} reviewer={reviewer} onDone={onDone} />
          <DecisionForm onboarding={state} reviewer={reviewer} onDone={onDone} />
        </section>
      )}
      <section aria-label="Case tools" className="case-tools">
        {inReview && senior && <AssignCase onboardingId={state.onboardingId} onDone={onDone} />}
        <InternalNote onboardingId={state.onboardingId} onDone={onDone} />
      </section>
    </>
  );
}
