import { useState, type FormEvent } from 'react';
import { api, RequestFailed } from './api';

/**
 * A senior reviewer gives the case to a named reviewer (`POST …/assignment`): it is claimed for
 * them until the review ends or they release it. Only shown to senior reviewers; the API checks too.
 */
export function AssignCase({ onboardingId, onDone }: { onboardingId: string; onDone: () => void }) {
  const [assignee, setAssignee] = useState('');
  const [message, setMessage] = useState<{ kind: 'problem' | 'done'; text: string }>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const name = assignee.trim();
    if (!name) return;
    setBusy(true);
    setMessage(undefined);
    try {
      await api('POST', `/v1/onboardings/${onboardingId}/assignment`, { assignee: name });
      setMessage({ kind: 'done', text: `Assigned to ${name}.` });
      setAssignee('');
    } catch (error) {
      setMessage({
        kind: 'problem',
        text: error instanceof RequestFailed ? error.message : 'The assignment could not be sent; try again.',
      });
    } finally {
      setBusy(false);
      onDone();
    }
  };

  return (
    <form className="assign" aria-labelledby="assign-heading" onSubmit={(event) => void submit(event)}>
      <h3 id="assign-heading">Assign to…</h3>
      <div className="inline-field">
        <label htmlFor="assignee" className="visually-hidden">
          Reviewer to assign the case to
        </label>
        <input
          id="assignee"
          name="assignee"
          autoComplete="off"
          placeholder="reviewer name"
          maxLength={200}
          value={assignee}
          onChange={(event) => setAssignee(event.target.value)}
        />
        <button type="submit" disabled={busy || assignee.trim() === ''}>
          {busy ? 'Assigning…' : 'Assign'}
        </button>
      </div>
      <p role="status" aria-live="polite" className={message?.kind === 'problem' ? 'problem' : 'done'}>
        {message?.text}
      </p>
    </form>
  );
}
