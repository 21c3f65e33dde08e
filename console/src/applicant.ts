/**
 * The applicant of a case, read live from ComplyCube by the API for this page only
 * (`GET /v1/onboardings/:id/applicant`, docs/reviewer-view.md): held in memory while the case is
 * open, never written to storage, the address bar, a history entry's title or the browser console.
 */
import { useEffect, useState } from 'react';
import { api } from './api';
import type { ApplicantView } from './types';

export type Applicant = ApplicantView;
type ApplicantPerson = NonNullable<Applicant['person']>;

export type ApplicantLoad =
  { state: 'loading' } | { state: 'loaded'; applicant: Applicant } | { state: 'failed'; message: string };

/** `First Middle Last`, the way the applicant's name is shown. */
export const fullName = (person: ApplicantPerson) =>
  [person.firstName, person.middleName, person.lastName].filter(Boolean).join(' ');

/** Reads the applicant once per case opened; keyed by case, so another case's person never shows. */
export function useApplicant(onboardingId: string): ApplicantLoad {
  const [loaded, setLoaded] = useState<{ onboardingId: string; load: ApplicantLoad }>();
  useEffect(() => {
    let current = true;
    api<Applicant>('GET', `/v1/onboardings/${onboardingId}/applicant`).then(
      ({ body }) => current && setLoaded({ onboardingId, load: { state: 'loaded', applicant: body } }),
      () =>
        current &&
        setLoaded({
          onboardingId,
          load: { state: 'failed', message: 'The applicant could not be read from ComplyCube just now.' },
        }),
    );
    return () => {
      current = false;
    };
  }, [onboardingId]);
  return loaded?.onboardingId === onboardingId ? loaded.load : { state: 'loading' };
}
