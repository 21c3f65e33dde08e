import { duration, reasonText, slaText, statusText, when } from './format';
import { Link } from './router';
import type { QueueItem } from './types';

/** One waiting case in the queue's table; overdue once its review SLA has passed. */
export function QueueRow({ item }: { item: QueueItem }) {
  return (
    <tr className={item.slaSecondsLeft < 0 ? 'overdue' : undefined}>
      <td data-label="Case">
        <Link to={{ page: 'case', onboardingId: item.onboardingId }}>
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
      <td data-label="Claimed by">{item.claim ? item.claim.reviewer : '—'}</td>
    </tr>
  );
}
