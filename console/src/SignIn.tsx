import { useState, type FormEvent } from 'react';
import { api, RequestFailed } from './api';
import type { Session } from './types';

/** Sign-in with a reviewer token, exchanged once for a session cookie the page cannot read. */
export function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);

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

  return (
    <main id="main" className="sign-in">
      <h1>KYC review desk</h1>
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
        {problem && (
          <p id="sign-in-problem" role="alert" className="problem">
            {problem}
          </p>
        )}
      </form>
    </main>
  );
}
