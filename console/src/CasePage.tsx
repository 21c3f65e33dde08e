import { useEffect, useRef } from 'react';
import { RequestFailed } from './api';
import { CaseSummary } from './CaseSummary';
import { ClaimBar } from './ClaimBar';
import { DecisionForm } from './DecisionForm';
import { Evidence } from './Evidence';
import { RecordedDecision } from './RecordedDecision';
import { ResubmissionWait } from './ResubmissionWait';
import { ReviewHistory } from './ReviewHistory';
import { Link } from './router';
import { REVIEW_STATUSES } from './types';
import { useCase } from './useCase';

/** One case: why it waits, the evidence, its story, the claim and the decision (or the resubmission it waits for). */
export function CasePage({
  onboardingId,
  reviewer,
  canDecide,
  auditor,
}: {
  onboardingId: string;
  reviewer: string;
  /** A reviewer's session; an auditor's sees the case read-only. */
  canDecide: boolean;
  /** An auditor's session: the case record is what they came for, so its link leads. */
  auditor: boolean;
}) {
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
      <p className={auditor ? 'record-link prominent' : 'record-link'}>
        <Link to={{ page: 'record', onboardingId }}>Case record (ledger)</Link>
        {auditor && <span className="sub"> every event with its hash, to print or keep as JSON</span>}
      </p>
      {!state && <p className="loading">Loading…</p>}
      {state && (
        <>
          <CaseSummary state={state} />
          {inReview && !canDecide && (
            <p className="read-only" role="note">
              Read-only: an auditor sees the case, its evidence and its record, and does not claim or decide.
            </p>
          )}
          {inReview && canDecide && (
            <ClaimBar onboardingId={onboardingId} claim={state.claim} reviewer={reviewer} onDone={refresh} />
          )}
          <section aria-labelledby="evidence-heading">
            <h2 id="evidence-heading">Evidence from ComplyCube</h2>
            <Evidence checks={evidence} />
          </section>
          {inReview && canDecide && (
            <section aria-labelledby="decide-heading">
              <h2 id="decide-heading">Decide</h2>
              <DecisionForm onboarding={state} onDone={refresh} />
            </section>
          )}
          {state.status === 'awaiting_resubmission' &&
            (state.resubmission ? (
              <ResubmissionWait request={state.resubmission} rounds={state.policy?.resubmissionRounds} />
            ) : (
              <p className="read-only" role="note">
                Waiting for the applicant to resubmit; no decision can be taken meanwhile.
              </p>
            ))}
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
