import { useState, type FormEvent } from 'react';
import { api, RequestFailed } from './api';

const MAX = 2000;

/**
 * A note for the other reviewers (`POST …/notes`): it goes on the case's audit trail and the
 * ledger, and nowhere else; never to the applicant, never to the onboarding backend.
 */
export function InternalNote({ onboardingId, onDone }: { onboardingId: string; onDone: () => void }) {
  const [text, setText] = useState('');
  const [message, setMessage] = useState<{ kind: 'problem' | 'done'; text: string }>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (text.trim() === '') return;
    setBusy(true);
    setMessage(undefined);
    try {
      await api('POST', `/v1/onboardings/${onboardingId}/notes`, { text: text.trim() });
      setMessage({ kind: 'done', text: 'Note added to the audit trail.' });
      setText('');
      onDone();
    } catch (error) {
      setMessage({
        kind: 'problem',
        text: error instanceof RequestFailed ? error.message : 'The note could not be saved; try again.',
      });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="internal-note-form" onSubmit={(event) => void submit(event)}>
      <label htmlFor="internal-note">
        Internal note <span className="internal-tag">reviewers only</span>
      </label>
      <p id="internal-note-hint" className="hint">
        Kept on the audit trail for reviewers and auditors; never sent to the applicant or the onboarding backend.
      </p>
      <textarea
        id="internal-note"
        name="internal-note"
        aria-describedby="internal-note-hint"
        rows={2}
        maxLength={MAX}
        value={text}
        onChange={(event) => setText(event.target.value)}
      />
      <div className="note-actions">
        <button type="submit" className="quiet" disabled={busy || text.trim() === ''}>
          {busy ? 'Saving…' : 'Add note'}
        </button>
        <span className="sub">
          {text.length} / {MAX}
        </span>
      </div>
      <p role="status" aria-live="polite" className={message?.kind === 'problem' ? 'problem' : 'done'}>
        {message?.text}
      </p>
    </form>
  );
}
