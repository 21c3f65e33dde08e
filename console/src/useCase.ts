import { useEffect, useState } from 'react';
import { api } from './api';
import type { AuditAction, CheckEvidence, Decision, Onboarding } from './types';
import { usePolling } from './usePolling';

/** One case's state, audit trail, the client's decisions and its evidence, kept fresh. */
export function useCase(onboardingId: string) {
  // Keyed by case, so that another case's evidence never shows while this one's loads.
  const [loaded, setLoaded] = useState<{ onboardingId: string; checks: CheckEvidence[] }>();
  const evidence = loaded?.onboardingId === onboardingId ? loaded.checks : undefined;
  const onboarding = usePolling(
    async () => (await api<Onboarding>('GET', `/v1/onboardings/${onboardingId}`)).body,
    5_000,
    [onboardingId],
  );
  const audit = usePolling(
    async () => (await api<{ items: AuditAction[] }>('GET', `/v1/onboardings/${onboardingId}/audit`)).body.items,
    5_000,
    [onboardingId],
  );
  const decisions = usePolling(
    async () =>
      (await api<{ items: Decision[] }>('GET', `/v1/decisions/${onboardingId}`).catch(() => ({ body: { items: [] } })))
        .body.items,
    15_000,
    [onboardingId],
  );

  useEffect(() => {
    api<{ checks: CheckEvidence[] }>('GET', `/v1/onboardings/${onboardingId}/evidence`).then(
      ({ body }) => setLoaded({ onboardingId, checks: body.checks }),
      () => setLoaded({ onboardingId, checks: [] }),
    );
  }, [onboardingId]);

  const refresh = () => {
    void onboarding.refresh();
    void audit.refresh();
    void decisions.refresh();
  };

  return { onboarding, audit, decisions, evidence, refresh };
}
