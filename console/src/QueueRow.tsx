import { holderText } from './claimText';
import { duration, reasonText, slaText, statusText, when } from './format';
import { Link } from './router';
import type { QueueItem } from './types';

/**
 * One waiting case in the queue's table: the applicant's name (a placeholder while it loads),
 * overdue once its review SLA has passed, and who holds it or was assigned it.
 */
export function QueueRow({
  item,
  name,
  reviewer,
}: {
  item: QueueItem;
  name: string | null | undefined;
  reviewer: string;
}) {
  return (
    <tr className={item.slaSecondsLeft < 0 ? 'overdue' : undefined}>
      <td data-label="Applicant" className="applicant-cell">
        <Link to={{ page: 'case', onboardingId: item.onboardingId }}>
          {name === undefined ? (
            <span className="name-loading" aria-label="Name loading" />
          ) : name === null ? (
            <span className="name-unavailable">name unavailable</span>
          ) : (
            <span className="applicant-name-cell">{name}</span>
          )}
          <code>{item.onboardingId}</code>
        </Link>
      </td>
      <td data-label="Status">
        <span className={`status status-${item.status}`}>{statusText(item.status)}</span>
        {item.firstApprovalBy && <span className="sub">first approval: {item.firstApprovalBy}</span>}
      </td>
      <td data-label="Why">
        <ul className="reasons">
          {item.reasons.map((reason) => (
            <li key={reason}>{reasonText(reason)}</li>
          ))}
        </ul>
      </td>
      <td data-label="Waiting" title={`since ${when(item.openedAt)}`}>
        {duration(item.ageSeconds)}
      </td>
      <td data-label="SLA">{slaText(item.slaSecondsLeft)}</td>
      <td data-label="Held by">{item.claim ? holderText(item.claim, reviewer) : '—'}</td>
    </tr>
  );
}
