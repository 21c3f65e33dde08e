import { describeRefusal } from '../../workflows/review-refusals';
import { when } from './format';
import { ReasonCodeList } from './ReasonCodeList';
import { itemName, reasonSentence } from './resubmissionText';
import type { AuditAction } from './types';

/** An audit row; a note's text is read from `note`, or `reason` where an API keeps it there. */
type AuditRow = AuditAction & { note?: string };

const ACTION: Record<string, string> = {
  claim: 'claimed the case',
  release: 'released the case',
  first_approval: 'approved (first of two)',
  decision: 'decided',
  resubmission_requested: 'asked the applicant for a resubmission',
  note: 'added an internal note',
  assignment: 'assigned the case',
};

const ATTEMPTED: Record<string, string> = {
  approve: 'Tried to approve',
  reject: 'Tried to reject',
  request_resubmission: 'Tried to ask for a resubmission',
  claim: 'Tried to claim the case',
  release: 'Tried to release the case',
  assignment: 'Tried to assign the case',
  decision: 'Tried to decide',
};

/** `Tried to approve — refused: Another reviewer holds this case; …`, from the row's decision or its `<kind> refused` reason. */
function refusedText(row: AuditRow): string {
  const attempted = row.decision ?? /^(\w+) refused$/.exec(row.reason ?? '')?.[1];
  const tried = (attempted && ATTEMPTED[attempted]) ?? 'Tried something';
  return `${tried} — refused: ${row.refusal ? describeRefusal(row.refusal) : 'no reason given.'}`;
}

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

function What({ row }: { row: AuditRow }) {
  if (row.kind === 'refused') return <span className="refused">{refusedText(row)}</span>;
  return (
    <>
      {ACTION[row.kind] ?? row.kind}
      {row.kind === 'assignment' && row.assignee && (
        <>
          {' '}
          to <strong>{row.assignee}</strong>
        </>
      )}
      {row.resubmission ? <AskedFor ask={row.resubmission} /> : row.decision && `: ${row.decision}`}
    </>
  );
}

function Why({ row }: { row: AuditRow }) {
  if (row.kind === 'refused') return null;
  if (row.kind === 'note') {
    return (
      <span className="internal-note">
        <span className="internal-tag">Internal</span> {row.note ?? row.reason ?? ''}
      </span>
    );
  }
  return (
    <>
      {row.reason ?? ''}
      <ReasonCodeList codes={row.reasonCodes} />
    </>
  );
}

/** The audit trail: who did what through which channel, what was refused and why, and the internal notes. */
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
          <th scope="col">Reason or note</th>
        </tr>
      </thead>
      <tbody>
        {(actions as AuditRow[]).map((row) => (
          <tr key={row.id} className={`audit-${row.kind}`}>
            <td data-label="When">
              <time dateTime={row.at}>{when(row.at)}</time>
            </td>
            <td data-label="Who">
              {row.actor}
              {!row.authenticated && <span className="sub"> (name asserted, not authenticated)</span>}
            </td>
            <td data-label="What">
              <What row={row} />
            </td>
            <td data-label="Through">{row.channel}</td>
            <td data-label="Reason or note" className="reason">
              <Why row={row} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
