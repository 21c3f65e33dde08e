import { outcomeReasonText, statusText, when } from './format';
import { ReasonCodeList } from './ReasonCodeList';
import type { Approval, Onboarding } from './types';

/**
 * The decision that closed the case: what, by whom, when and why (a system reason in words, with
 * its code); for a four-eyes approval, both approvers in order, the first then the deciding one.
 */
export function RecordedDecision({ decision }: { decision: NonNullable<Onboarding['decision']> }) {
  const explained = outcomeReasonText(decision.decidedByKind, decision.reason);
  const approvals = decision.approvals ?? [];
  return (
    <section aria-labelledby="decision-heading" className="recorded-decision">
      <h2 id="decision-heading">Decision</h2>
      <p>
        <span className={`status status-${decision.decision}`}>{statusText(decision.decision)}</span> by{' '}
        <strong>{decision.decidedBy}</strong> on <time dateTime={decision.decidedAt}>{when(decision.decidedAt)}</time>
      </p>
      {approvals.length > 1 ? (
        <ol className="approvals" aria-label="Approvals">
          {approvals.map((approval, index) => (
            <ApprovalLine
              key={`${approval.reviewer}-${approval.at}`}
              approval={approval}
              label={index === 0 ? 'First approval' : 'Deciding approval'}
            />
          ))}
        </ol>
      ) : explained ? (
        <p className="reason">
          {explained} <code className="sub">{decision.reason}</code>
        </p>
      ) : (
        <>
          <p className="reason">{decision.reason}</p>
          <ReasonCodeList codes={decision.reasonCodes} />
        </>
      )}
    </section>
  );
}

function ApprovalLine({ approval, label }: { approval: Approval; label: string }) {
  return (
    <li>
      <span className="approval-label">{label}</span> <strong>{approval.reviewer}</strong>
      <span className="sub approval-when">
        <time dateTime={approval.at}>{when(approval.at)}</time> · via {approval.channel}
      </span>
      <span className="reason approval-reason">{approval.reason}</span>
      <ReasonCodeList codes={approval.reasonCodes} />
    </li>
  );
}
