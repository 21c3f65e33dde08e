import { useEffect, useState, type FormEvent } from 'react';
import { api, RequestFailed } from './api';
import { forgetSignInError, signInErrorFromUrl, SingleSignOn } from './SingleSignOn';
import type { Session } from './types';

interface SignInOptions {
  enabled: boolean;
  displayName?: string;
  tokenSignIn: boolean;
}

/**
 * Sign-in: by single sign-on when the API offers it, and with a reviewer token (exchanged once for
 * a session cookie the page cannot read) unless the API has turned token sign-in off.
 */
export function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<string | undefined>(signInErrorFromUrl);
  const [busy, setBusy] = useState(false);
  const [options, setOptions] = useState<SignInOptions>();

  useEffect(() => {
    forgetSignInError();
    api<SignInOptions>('GET', '/v1/session/oidc').then(
      ({ body }) => setOptions(body),
      () => setOptions({ enabled: false, tokenSignIn: true }),
    );
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      const { body } = await api<Session>('POST', '/v1/session', { token: token.trim() });
      onSignedIn(body);
    } catch (error) {
      setProblem(error instanceof RequestFailed ? error.message : 'Sign-in failed; try again');
    } finally {
      setBusy(false);
    }
  };

  const problemShown = problem && (
    <p id="sign-in-problem" role="alert" className="problem">
      {problem}
    </p>
  );
  return (
    <main id="main" className="sign-in">
      <h1>KYC review desk</h1>
      {options?.enabled && <SingleSignOn displayName={options.displayName} />}
      {options?.tokenSignIn === false ? (
        problemShown
      ) : (
        <form onSubmit={(event) => void submit(event)} aria-describedby={problem ? 'sign-in-problem' : undefined}>
          <label htmlFor="token">Reviewer token</label>
          <input
            id="token"
            name="token"
            type="password"
            autoComplete="current-password"
            required
            value={token}
            onChange={(event) => setToken(event.target.value)}
          />
          <button type="submit" disabled={busy || token.trim() === ''}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
          {problemShown}
        </form>
      )}
    </main>
  );
}
