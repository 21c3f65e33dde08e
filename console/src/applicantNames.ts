/**
 * The applicants' names for the queue page in view (`GET /v1/applicant-names`, up to 50 at once),
 * read live from ComplyCube through the API. Held in this component's memory only: never in
 * storage, the address bar, a history entry or a log.
 */
import { useEffect, useState } from 'react';
import { api } from './api';

/** A name; `null` once ComplyCube could not give it; absent while it loads. */
export type NameLookup = Record<string, string | null>;

const BATCH = 50;

/** `refresh` changes with each poll of the queue: names not yet given are asked for again then. */
export function useApplicantNames(onboardingIds: readonly string[], refresh?: unknown): NameLookup {
  const [names, setNames] = useState<NameLookup>({});
  const wanted = onboardingIds.join(',');

  useEffect(() => {
    // A name ComplyCube could not give (null) is asked for again when the page refreshes.
    const missing = wanted.split(',').filter((id) => id !== '' && typeof names[id] !== 'string');
    if (missing.length === 0) return;
    let current = true;
    for (let start = 0; start < missing.length; start += BATCH) {
      const ids = missing.slice(start, start + BATCH);
      const query = new URLSearchParams(ids.map((id) => ['onboardingId', id])).toString();
      api<{ names: NameLookup }>('GET', `/v1/applicant-names?${query}`).then(
        ({ body }) => current && setNames((known) => ({ ...known, ...pick(ids, body.names) })),
        () => current && setNames((known) => ({ ...known, ...pick(ids, {}) })),
      );
    }
    return () => {
      current = false;
    };
    // A change in the page's IDs, or a refresh, asks again; `names` is read, not followed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [wanted, refresh]);

  return names;
}

/** Each asked-for ID's name, or null when the answer has none for it. */
function pick(ids: readonly string[], answer: NameLookup): NameLookup {
  return Object.fromEntries(ids.map((id) => [id, typeof answer[id] === 'string' ? answer[id] : null]));
}
