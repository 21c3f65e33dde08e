import { ChecksSummary } from './ChecksSummary';
import { reasonText, statusText, when } from './format';
import { REVIEW_STATUSES, type Onboarding } from './types';

/**
 * Where the case stands: its status, why it went to review, its review clock (while on the desk)
 * and its checks, with those a resubmission replaced.
 */
export function CaseSummary({ state }: { state: Onboarding }) {
  const onDesk = REVIEW_STATUSES.includes(state.status);
  return (
    <section className="summary" aria-label="Summary">
      <p>
        <span className={`status status-${state.status}`}>{statusText(state.status)}</span>
        {state.escalated && state.status === 'awaiting_second_approval' && <span className="sub"> (past its SLA)</span>}
      </p>
      {state.partial && <p className="sub">{state.message}</p>}
      {state.reviewReasons && state.reviewReasons.length > 0 && (
        <p>
          {onDesk ? 'Why it waits:' : 'Why it went to review:'}{' '}
          {state.reviewReasons.map((r) => (
            <span key={r} className="reason-tag">
              {reasonText(r)}
            </span>
          ))}
        </p>
      )}
      {state.reviewEscalatesAt && onDesk && (
        <p className="sub">
          Opened {state.reviewOpenedAt ? when(state.reviewOpenedAt) : '—'} · SLA {when(state.reviewEscalatesAt)}
          {state.reviewExpiresAt ? ` · expires ${when(state.reviewExpiresAt)}` : ''}
        </p>
      )}
      <ChecksSummary checks={state.checks ?? []} superseded={state.supersededChecks ?? []} />
    </section>
  );
}
