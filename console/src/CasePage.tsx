import { useEffect, useRef } from 'react';
import { RequestFailed } from './api';
import { CaseSummary } from './CaseSummary';
import { ClaimBar } from './ClaimBar';
import { DecisionForm } from './DecisionForm';
import { Evidence } from './Evidence';
import { RecordedDecision } from './RecordedDecision';
import { ReviewHistory } from './ReviewHistory';
import { Link } from './router';
import { useCase } from './useCase';

const REVIEW_STATUSES = ['awaiting_review', 'escalated', 'awaiting_second_approval'];

/** One case: why it waits, the evidence, its story, the claim and the decision. */
export function CasePage({ onboardingId, reviewer }: { onboardingId: string; reviewer: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const { onboarding, audit, decisions, evidence, refresh } = useCase(onboardingId);
  useEffect(() => heading.current?.focus(), [onboardingId]);

  const state = onboarding.data;
  if (onboarding.error instanceof RequestFailed && onboarding.error.problem.status === 404) {
    return <p className="problem">No onboarding with this ID.</p>;
  }
  const inReview = state ? REVIEW_STATUSES.includes(state.status) : false;

  return (
    <article aria-labelledby="case-heading" className="case">
      <p className="back">
        <Link to={{ page: 'queue' }}>← Review queue</Link>
      </p>
      <h1 id="case-heading" ref={heading} tabIndex={-1}>
        Case <code>{onboardingId}</code>
      </h1>
      {!state && <p className="loading">Loading…</p>}
      {state && (
        <>
          <CaseSummary state={state} />
          {inReview && (
            <ClaimBar onboardingId={onboardingId} claim={state.claim} reviewer={reviewer} onDone={refresh} />
          )}
          <section aria-labelledby="evidence-heading">
            <h2 id="evidence-heading">Evidence from ComplyCube</h2>
            <Evidence checks={evidence} />
          </section>
          {inReview && (
            <section aria-labelledby="decide-heading">
              <h2 id="decide-heading">Decide</h2>
              <DecisionForm onboarding={state} onDone={refresh} />
            </section>
          )}
          {state.decision && <RecordedDecision decision={state.decision} />}
          <ReviewHistory
            timeline={state.timeline ?? []}
            audit={audit.data}
            decisions={decisions.data ?? []}
            runId={state.runId}
          />
        </>
      )}
    </article>
  );
}
