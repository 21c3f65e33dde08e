import { outcomeReasonText, statusText, when } from './format';
import { itemName, reasonSentence } from './resubmissionText';
import type { AuditAction, Decision, TimelineEntry } from './types';

const STEP: Record<string, string> = {
  started: 'Onboarding started',
  check_created: 'Check created',
  check_completed: 'Check finished',
  webhook: "ComplyCube's webhook arrived",
  poll: 'ComplyCube polled (no webhook yet)',
  review_opened: 'Sent to review',
  escalated: 'Review SLA passed: escalated',
  claimed: 'Claimed',
  released: 'Released',
  first_approval: 'First approval',
  resubmission_requested: 'Resubmission asked of the applicant',
  resubmitted: 'The applicant resubmitted',
  decided: 'Decided',
};

export function Timeline({ entries }: { entries: TimelineEntry[] }) {
  return (
    <ol className="timeline">
      {entries.map((entry, index) => (
        <li key={index}>
          <time dateTime={entry.at}>{when(entry.at)}</time> <span>{STEP[entry.kind] ?? entry.kind}</span>
          {entry.detail && <span className="sub"> · {entry.detail}</span>}
        </li>
      ))}
    </ol>
  );
}

const ACTION: Record<string, string> = {
  claim: 'claimed the case',
  release: 'released the case',
  first_approval: 'approved (first of two)',
  decision: 'decided',
  resubmission_requested: 'asked the applicant for a resubmission',
  refused: 'was refused',
};

/** What a resubmission request asked for: the items, then each reason code with its sentence on hover. */
function AskedFor({ ask }: { ask: NonNullable<AuditAction['resubmission']> }) {
  return (
    <span className="asked">
      {' '}
      of {ask.items.map((item) => itemName(item).toLowerCase()).join(' and ')}
      <span className="sub">
        {' '}
        ·{' '}
        {ask.reasonCodes.map((code, index) => (
          <span key={code}>
            {index > 0 && ', '}
            <abbr title={reasonSentence(code)}>{code}</abbr>
          </span>
        ))}
      </span>
    </span>
  );
}

/** The audit trail: who did what through which channel, and what was refused and why. */
export function AuditTrail({ actions }: { actions: AuditAction[] | undefined }) {
  if (!actions) return <p className="loading">Loading…</p>;
  if (actions.length === 0) return <p className="empty">No review action yet.</p>;
  return (
    <table className="audit">
      <caption className="visually-hidden">Review actions on this case</caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Who</th>
          <th scope="col">What</th>
          <th scope="col">Through</th>
          <th scope="col">Reason</th>
        </tr>
      </thead>
      <tbody>
        {actions.map((action) => (
          <tr key={action.id}>
            <td data-label="When">
              <time dateTime={action.at}>{when(action.at)}</time>
            </td>
            <td data-label="Who">
              {action.actor}
              {!action.authenticated && <span className="sub"> (name asserted, not authenticated)</span>}
            </td>
            <td data-label="What">
              {ACTION[action.kind] ?? action.kind}
              {action.resubmission ? <AskedFor ask={action.resubmission} /> : action.decision && `: ${action.decision}`}
              {action.refusal && <span className="sub"> ({action.refusal})</span>}
            </td>
            <td data-label="Through">{action.channel}</td>
            <td data-label="Reason" className="reason">
              {action.reason ?? ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Every decision recorded for this client, this run's and earlier runs'. */
export function EarlierDecisions({ decisions, currentRunId }: { decisions: Decision[]; currentRunId: string }) {
  if (decisions.length === 0) return <p className="empty">No decision recorded for this client yet.</p>;
  return (
    <ul className="decisions">
      {decisions.map((d) => (
        <li key={d.runId}>
          <strong>{statusText(d.decision)}</strong> by {d.decidedBy} on {when(d.decidedAt)}
          {d.runId === currentRunId ? ' (this onboarding)' : ''}
          <span className="reason"> — {outcomeReasonText(d.decidedByKind, d.reason) ?? d.reason}</span>
          {d.approvals && d.approvals.length > 1 && (
            <span className="sub"> · approved by {d.approvals.map((a) => a.reviewer).join(' and ')}</span>
          )}
        </li>
      ))}
    </ul>
  );
}
