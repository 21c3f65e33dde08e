import { useEffect, useRef, useState } from 'react';
import { api, RequestFailed } from './api';
import { AuditTrail, EarlierDecisions, Timeline } from './CaseHistory';
import { DecisionForm } from './DecisionForm';
import { Evidence } from './Evidence';
import { checkName, reasonText, statusText, when } from './format';
import { Link } from './router';
import type { AuditAction, CheckEvidence, Decision, Onboarding } from './types';
import { usePolling } from './usePolling';

const REVIEW_STATUSES = ['awaiting_review', 'escalated', 'awaiting_second_approval'];

/** One case: why it waits, the evidence, its story, the claim and the decision. */
export function CasePage({ onboardingId, reviewer }: { onboardingId: string; reviewer: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  // Keyed by case, so that another case's evidence never shows while this one's loads.
  const [loaded, setLoaded] = useState<{ onboardingId: string; checks: CheckEvidence[] }>();
  const evidence = loaded?.onboardingId === onboardingId ? loaded.checks : undefined;
  const [claimMessage, setClaimMessage] = useState<string>();
  const onboarding = usePolling(
    async () => (await api<Onboarding>('GET', `/v1/onboardings/${onboardingId}`)).body,
    5_000,
    [onboardingId],
  );
  const audit = usePolling(
    async () => (await api<{ items: AuditAction[] }>('GET', `/v1/onboardings/${onboardingId}/audit`)).body.items,
    5_000,
    [onboardingId],
  );
  const decisions = usePolling(
    async () =>
      (await api<{ items: Decision[] }>('GET', `/v1/decisions/${onboardingId}`).catch(() => ({ body: { items: [] } })))
        .body.items,
    15_000,
    [onboardingId],
  );

  useEffect(() => heading.current?.focus(), [onboardingId]);
  useEffect(() => {
    api<{ checks: CheckEvidence[] }>('GET', `/v1/onboardings/${onboardingId}/evidence`).then(
      ({ body }) => setLoaded({ onboardingId, checks: body.checks }),
      () => setLoaded({ onboardingId, checks: [] }),
    );
  }, [onboardingId]);

  const refresh = () => {
    void onboarding.refresh();
    void audit.refresh();
    void decisions.refresh();
  };

  const claim = async (release: boolean) => {
    setClaimMessage(undefined);
    try {
      await api(release ? 'DELETE' : 'POST', `/v1/onboardings/${onboardingId}/claim`);
      setClaimMessage(release ? 'Released.' : 'Claimed for you.');
    } catch (error) {
      const problem = error instanceof RequestFailed ? error.problem : undefined;
      const holder = (problem?.details as { claimedBy?: string } | undefined)?.claimedBy;
      setClaimMessage(holder ? `Claimed by ${holder}.` : (problem?.message ?? 'That did not work; try again.'));
    }
    refresh();
  };

  const state = onboarding.data;
  if (onboarding.error instanceof RequestFailed && onboarding.error.problem.status === 404) {
    return <p className="problem">No onboarding with this ID.</p>;
  }
  // The API shows a claim only while it holds.
  const claimActive = state?.claim !== undefined;
  const mine = claimActive && state?.claim?.reviewer === reviewer;
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
          <section className="summary" aria-label="Summary">
            <p>
              <span className={`status status-${state.status}`}>{statusText(state.status)}</span>
              {state.escalated && state.status === 'awaiting_second_approval' && (
                <span className="sub"> (past its SLA)</span>
              )}
            </p>
            {state.partial && <p className="sub">{state.message}</p>}
            {state.reviewReasons && state.reviewReasons.length > 0 && (
              <p>
                {state.decision ? 'Why it went to review:' : 'Why it waits:'}{' '}
                {state.reviewReasons.map((r) => (
                  <span key={r} className="reason-tag">
                    {reasonText(r)}
                  </span>
                ))}
              </p>
            )}
            {state.reviewEscalatesAt && !state.decision && (
              <p className="sub">
                Opened {state.reviewOpenedAt ? when(state.reviewOpenedAt) : '—'} · SLA {when(state.reviewEscalatesAt)}
                {state.reviewExpiresAt ? ` · expires ${when(state.reviewExpiresAt)}` : ''}
              </p>
            )}
            <ul className="checks-summary">
              {(state.checks ?? []).map((check) => (
                <li key={check.type}>
                  {checkName(check.type)}: <strong>{check.outcome ?? check.status}</strong>
                  {check.attentionAnalyses.length > 0 && ` (${check.attentionAnalyses.join(', ')})`}
                </li>
              ))}
            </ul>
          </section>

          {inReview && (
            <section className="claim" aria-labelledby="claim-heading">
              <h2 id="claim-heading">Claim</h2>
              <p>
                {claimActive
                  ? `Claimed by ${mine ? 'you' : state.claim!.reviewer} until ${when(state.claim!.expiresAt)}.`
                  : 'Nobody holds this case.'}
              </p>
              <div className="actions">
                {(!claimActive || mine) && (
                  <button type="button" onClick={() => void claim(false)}>
                    {mine ? 'Renew claim' : 'Claim this case'}
                  </button>
                )}
                {mine && (
                  <button type="button" className="quiet" onClick={() => void claim(true)}>
                    Release
                  </button>
                )}
              </div>
              <p role="status" aria-live="polite">
                {claimMessage}
              </p>
            </section>
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

          {state.decision && (
            <section aria-labelledby="decision-heading">
              <h2 id="decision-heading">Decision</h2>
              <p>
                <strong>{statusText(state.decision.decision)}</strong> by {state.decision.decidedBy} on{' '}
                {when(state.decision.decidedAt)}
              </p>
              <p className="reason">{state.decision.reason}</p>
            </section>
          )}

          <section aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">Timeline</h2>
            <Timeline entries={state.timeline ?? []} />
          </section>

          <section aria-labelledby="audit-heading">
            <h2 id="audit-heading">Audit trail</h2>
            <AuditTrail actions={audit.data} />
          </section>

          <section aria-labelledby="decisions-heading">
            <h2 id="decisions-heading">Decisions for this client</h2>
            <EarlierDecisions decisions={decisions.data ?? []} currentRunId={state.runId} />
          </section>
        </>
      )}
    </article>
  );
}
