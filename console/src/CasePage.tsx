import { useEffect, useRef } from 'react';
import { RequestFailed } from './api';
import { useApplicant } from './applicant';
import { ApplicantPanel } from './ApplicantPanel';
import { CaseSummary } from './CaseSummary';
import { Evidence } from './Evidence';
import { RecordedDecision } from './RecordedDecision';
import { ResubmissionWait } from './ResubmissionWait';
import { ReviewDesk } from './ReviewDesk';
import { ReviewHistory } from './ReviewHistory';
import { Link } from './router';
import { REVIEW_STATUSES } from './types';
import { useCase } from './useCase';

/**
 * One case, in two columns: on the left the applicant, why the case waits, the evidence and its
 * story; on the right, kept in view while the left scrolls, the claim and the decision form (or
 * the decision that closed it), the assignment and the internal note.
 */
export function CasePage(props: {
  onboardingId: string;
  reviewer: string;
  /** A reviewer's session; an auditor's sees the case read-only. */
  canDecide: boolean;
  /** A senior reviewer's session: may assign the case to a reviewer. */
  senior: boolean;
  /** An auditor's session: the case record is what they came for, so its link leads. */
  auditor: boolean;
}) {
  const { onboardingId, auditor } = props;
  const heading = useRef<HTMLHeadingElement>(null);
  const { onboarding, audit, decisions, evidence, refresh } = useCase(onboardingId);
  const applicant = useApplicant(onboardingId);
  useEffect(() => heading.current?.focus(), [onboardingId]);

  const state = onboarding.data;
  if (onboarding.error instanceof RequestFailed && onboarding.error.problem.status === 404) {
    return <p className="problem">No onboarding with this ID.</p>;
  }
  const attention = (state?.checks ?? []).flatMap((check) => check.attentionAnalyses);

  return (
    <article aria-labelledby="case-heading" className="case">
      <header className="case-head">
        <Link to={{ page: 'queue' }} className="back">
          ← Review queue
        </Link>
        <h1 id="case-heading" ref={heading} tabIndex={-1}>
          Case <code>{onboardingId}</code>
        </h1>
        <p className={auditor ? 'record-link prominent' : 'record-link'}>
          <Link to={{ page: 'record', onboardingId }}>Case record (ledger)</Link>
          {auditor && <span className="sub"> every event with its hash, to print or keep as JSON</span>}
        </p>
      </header>
      <div className="case-layout">
        <ApplicantPanel load={applicant} attention={attention} />
        {state && (state.decision || props.canDecide || REVIEW_STATUSES.includes(state.status)) && (
          <aside className="desk" aria-label="Review desk">
            {state.decision && <RecordedDecision decision={state.decision} />}
            <ReviewDesk
              state={state}
              inReview={REVIEW_STATUSES.includes(state.status)}
              reviewer={props.reviewer}
              canDecide={props.canDecide}
              senior={props.senior}
              onDone={refresh}
            />
          </aside>
        )}
        <div className="case-main">
          {!state && <p className="loading">Loading…</p>}
          {state && (
            <>
              <CaseSummary state={state} />
              {state.status === 'awaiting_resubmission' &&
                (state.resubmission ? (
                  <ResubmissionWait request={state.resubmission} rounds={state.policy?.resubmissionRounds} />
                ) : (
                  <p className="read-only" role="note">
                    Waiting for the applicant to resubmit; no decision can be taken meanwhile.
                  </p>
                ))}
              <section aria-labelledby="evidence-heading">
                <h2 id="evidence-heading">Evidence from ComplyCube</h2>
                <Evidence checks={evidence} />
              </section>
              <ReviewHistory
                timeline={state.timeline ?? []}
                audit={audit.data}
                decisions={decisions.data ?? []}
                runId={state.runId}
              />
            </>
          )}
        </div>
      </div>
    </article>
  );
}
