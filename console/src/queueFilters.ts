/**
 * The queue's filters, kept in the address bar's query (`?status=escalated&mine=true`), so a
 * reload or a shared link keeps them. Only codes and IDs go there: never an applicant's name.
 */
import { useCallback, useEffect, useState } from 'react';
import { rememberQueueSearch } from './router';
import { REVIEW_STATUSES, type Status } from './types';

const CHECK_TYPES = ['identity_fraud_check', 'enhanced_identity_check'] as const;
const OUTCOMES = ['attention', 'failed', 'timed_out', 'error'] as const;

/** Every review reason the queue can be filtered by: `identity_fraud_check.attention`, … */
export const REVIEW_REASONS: readonly string[] = CHECK_TYPES.flatMap((type) =>
  OUTCOMES.map((outcome) => `${type}.${outcome}`),
);

export interface QueueFilters {
  status?: Status;
  reason?: string;
  slaBreached: boolean;
  /** Cases claimed by or assigned to the reviewer. */
  mine: boolean;
  clientId?: string;
}

export const NO_FILTERS: QueueFilters = { slaBreached: false, mine: false };

/** A client (and onboarding) ID as ComplyCube makes them: 24 hexadecimal characters. */
export const CLIENT_ID = /^[0-9a-f]{24}$/;

/** Reads the filters from a query string, ignoring any value that is not one the API takes. */
export function parseFilters(search: string): QueueFilters {
  const query = new URLSearchParams(search);
  const status = query.get('status');
  const reason = query.get('reason');
  const clientId = query.get('clientId')?.toLowerCase();
  return {
    ...(status && REVIEW_STATUSES.includes(status as Status) ? { status: status as Status } : {}),
    ...(reason && REVIEW_REASONS.includes(reason) ? { reason } : {}),
    slaBreached: query.get('slaBreached') === 'true',
    mine: query.get('assignee') === 'me',
    ...(clientId && CLIENT_ID.test(clientId) ? { clientId } : {}),
  };
}

/** The filters as query parameters, named as the API names them (so the page's query is the API's). */
export function filterParams(filters: QueueFilters): URLSearchParams {
  const query = new URLSearchParams();
  if (filters.status) query.set('status', filters.status);
  if (filters.reason) query.set('reason', filters.reason);
  if (filters.slaBreached) query.set('slaBreached', 'true');
  if (filters.mine) query.set('assignee', 'me');
  if (filters.clientId) query.set('clientId', filters.clientId);
  return query;
}

export const anyFilter = (filters: QueueFilters) => filterParams(filters).toString() !== '';

/** The filters, read from and written to the address bar (replacing the entry: filtering is not navigating). */
export function useQueueFilters(): [QueueFilters, (next: QueueFilters) => void] {
  const [filters, setFilters] = useState(() => parseFilters(window.location.search));

  useEffect(() => {
    const reread = () => setFilters(parseFilters(window.location.search));
    window.addEventListener('popstate', reread);
    return () => window.removeEventListener('popstate', reread);
  }, []);

  useEffect(() => {
    const query = filterParams(filters).toString();
    const search = query ? `?${query}` : '';
    rememberQueueSearch(search);
    if (window.location.search !== search) {
      window.history.replaceState(window.history.state, '', `${window.location.pathname}${search}`);
    }
  }, [filters]);

  const update = useCallback((next: QueueFilters) => setFilters(next), []);
  return [filters, update];
}
