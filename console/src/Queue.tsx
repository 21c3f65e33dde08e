import { useEffect, useRef, useState } from 'react';
import { api } from './api';
import { QueueRow } from './QueueRow';
import type { QueueItem } from './types';
import { usePolling } from './usePolling';

const PAGE_SIZE = 20;

/** Cases awaiting review, escalated, or awaiting a second approval (not those awaiting a resubmission): oldest first, kept fresh. */
export function Queue() {
  const heading = useRef<HTMLHeadingElement>(null);
  const [pages, setPages] = useState<string[]>([]);
  const pageToken = pages.at(-1);
  const { data, error } = usePolling(
    async () =>
      (
        await api<{ items: QueueItem[]; nextPageToken?: string }>(
          'GET',
          `/v1/onboardings?queue=review&pageSize=${PAGE_SIZE}${pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ''}`,
        )
      ).body,
    10_000,
    [pageToken],
  );

  useEffect(() => heading.current?.focus(), []);

  return (
    <section aria-labelledby="queue-heading">
      <h1 id="queue-heading" ref={heading} tabIndex={-1}>
        Review queue
      </h1>
      <p className="hint">
        Oldest first; refreshed every 10 seconds. A case waiting for the applicant to resubmit leaves the queue until
        the resubmission comes.
      </p>
      {error !== undefined && (
        <p role="alert" className="problem">
          The queue could not be loaded; retrying.
        </p>
      )}
      {data && data.items.length === 0 && <p className="empty">Nothing waits for review.</p>}
      {data && data.items.length > 0 && (
        <table className="queue">
          <caption className="visually-hidden">Cases waiting for a reviewer</caption>
          <thead>
            <tr>
              <th scope="col">Case</th>
              <th scope="col">Status</th>
              <th scope="col">Why</th>
              <th scope="col">Waiting</th>
              <th scope="col">SLA</th>
              <th scope="col">Claimed by</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((item) => (
              <QueueRow key={item.onboardingId} item={item} />
            ))}
          </tbody>
        </table>
      )}
      <nav className="pager" aria-label="Queue pages">
        <button type="button" disabled={pages.length === 0} onClick={() => setPages([])}>
          First page
        </button>
        <button type="button" disabled={pages.length === 0} onClick={() => setPages(pages.slice(0, -1))}>
          Previous page
        </button>
        <button
          type="button"
          disabled={!data?.nextPageToken}
          onClick={() => data?.nextPageToken && setPages([...pages, data.nextPageToken])}
        >
          Next page
        </button>
      </nav>
    </section>
  );
}
