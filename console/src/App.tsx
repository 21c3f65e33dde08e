import { useCallback, useEffect, useState } from 'react';
import { api, setCsrfToken, whenSignedOut } from './api';
import { timeZone } from './format';
import { CasePage } from './CasePage';
import { Queue } from './Queue';
import { RecordPage } from './RecordPage';
import { Link, useRoute } from './router';
import { SignIn } from './SignIn';
import { DECIDING_ROLES, ROLE_NAMES, type Session } from './types';

export function App() {
  const route = useRoute();
  const [session, setSession] = useState<Session | null | undefined>(undefined);

  const signedIn = useCallback((next: Session | null) => {
    setCsrfToken(next?.csrfToken);
    setSession(next);
  }, []);

  useEffect(() => {
    whenSignedOut(() => signedIn(null));
    api<Session>('GET', '/v1/session').then(
      ({ body }) => signedIn(body),
      () => signedIn(null),
    );
  }, [signedIn]);

  const signOut = async () => {
    await api('DELETE', '/v1/session').catch(() => undefined);
    signedIn(null);
  };

  if (session === undefined) return <p className="loading">Loading…</p>;
  if (session === null) return <SignIn onSignedIn={signedIn} />;
  return (
    <>
      <header className="bar">
        <Link to={{ page: 'queue' }} className="brand">
          KYC review desk
        </Link>
        <span className="who">
          Signed in as <strong>{session.displayName ?? session.reviewer}</strong>
        </span>
        <span className="roles">{session.roles.map((role) => ROLE_NAMES[role]).join(', ')}</span>
        <span className="zone" title="Every time on these pages is in this time zone">
          Times in {timeZone()}
        </span>
        <button type="button" className="quiet" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <main id="main">
        {route.page === 'case' ? (
          <CasePage
            onboardingId={route.onboardingId}
            reviewer={session.reviewer}
            canDecide={session.roles.some((role) => DECIDING_ROLES.includes(role))}
            senior={session.roles.includes('senior_reviewer')}
            auditor={session.roles.includes('auditor')}
          />
        ) : route.page === 'record' ? (
          <RecordPage onboardingId={route.onboardingId} />
        ) : (
          <Queue reviewer={session.reviewer} />
        )}
      </main>
    </>
  );
}
