import { useEffect, useRef, useState } from 'react';
import { api } from './api';
import { useApplicantNames } from './applicantNames';
import { anyFilter, filterParams, useQueueFilters, type QueueFilters } from './queueFilters';
import { QueueFiltersBar } from './QueueFiltersBar';
import { QueueRow } from './QueueRow';
import type { QueueItem } from './types';
import { usePolling } from './usePolling';

const PAGE_SIZE = 20;

/**
 * Cases awaiting review, escalated, or awaiting a second approval (not those awaiting a
 * resubmission): oldest first, kept fresh, filtered as the bar above says, each with the
 * applicant's name and who holds it.
 */
export function Queue({ reviewer }: { reviewer: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const [filters, setFilters] = useQueueFilters();
  // Page tokens belong to one combination of filters: a new combination starts at its first page.
  const [paging, setPaging] = useState<{ for: string; pages: string[] }>({ for: '', pages: [] });
  const query = filterParams(filters).toString();
  const pages = paging.for === query ? paging.pages : [];
  const setPages = (next: string[]) => setPaging({ for: query, pages: next });
  const pageToken = pages.at(-1);
  const { data, error } = usePolling(
    async () => {
      // A review status lists that part of the desk by itself; without one, the whole desk.
      const params = filterParams(filters);
      if (!filters.status) params.set('queue', 'review');
      params.set('pageSize', String(PAGE_SIZE));
      if (pageToken) params.set('pageToken', pageToken);
      const { body } = await api<{ items: QueueItem[]; nextPageToken?: string }>('GET', `/v1/onboardings?${params}`);
      return { query, body };
    },
    10_000,
    [pageToken, query],
  );
  // An answer for the filters as they were is not shown as the answer for the filters as they are.
  const page = data?.query === query ? data.body : undefined;
  const names = useApplicantNames(page?.items.map((item) => item.onboardingId) ?? [], page);

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
      <QueueFiltersBar filters={filters} onChange={setFilters} />
      {error !== undefined && (
        <p role="alert" className="problem">
          The queue could not be loaded; retrying.
        </p>
      )}
      {!page && error === undefined && <p className="loading">Loading…</p>}
      {page && page.items.length === 0 && <p className="empty">{emptyText(filters)}</p>}
      {page && page.items.length > 0 && (
        <table className="queue">
          <caption className="visually-hidden">Cases waiting for a reviewer</caption>
          <thead>
            <tr>
              <th scope="col">Applicant</th>
              <th scope="col">Status</th>
              <th scope="col">Why</th>
              <th scope="col">Waiting</th>
              <th scope="col">SLA</th>
              <th scope="col">Held by</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((item) => (
              <QueueRow key={item.onboardingId} item={item} name={names[item.onboardingId]} reviewer={reviewer} />
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
          disabled={!page?.nextPageToken}
          onClick={() => page?.nextPageToken && setPages([...pages, page.nextPageToken])}
        >
          Next page
        </button>
      </nav>
    </section>
  );
}

function emptyText(filters: QueueFilters): string {
  return anyFilter(filters) ? 'No case on the queue matches these filters.' : 'Nothing waits for review.';
}
