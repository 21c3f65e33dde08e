import { outcomeReasonText, statusText, when } from './format';
import type { Decision, TimelineEntry } from './types';

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
  assigned: 'Assigned by a senior reviewer',
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
