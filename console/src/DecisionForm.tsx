import { useRef, useState, type FormEvent } from 'react';
import { api, newIdempotencyKey, RequestFailed } from './api';
import { REVIEW_REFUSALS } from '../../workflows/review-refusals';
import type { Onboarding } from './types';

/** Each refusal's sentence, from the contract's union (the API answers with the same sentence). */
const REFUSALS: Record<string, string> = REVIEW_REFUSALS;

type Choice = 'approve' | 'reject';

/** What the reviewer reads once the API took the decision. */
function acceptedText(httpStatus: number, caseStatus: string): string {
  if (httpStatus === 202) return 'Decision accepted; it is being recorded.';
  if (caseStatus === 'awaiting_second_approval') return 'First approval recorded: a second reviewer must approve.';
  return `Decided: ${caseStatus}.`;
}

/** Approve or reject, with a reason: the workflow enforces claims and four-eyes whatever this form allows. */
export function DecisionForm({ onboarding, onDone }: { onboarding: Onboarding; onDone: () => void }) {
  const [decision, setDecision] = useState<Choice>();
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState<{ kind: 'problem' | 'done'; text: string }>();
  const [busy, setBusy] = useState(false);
  // One key per decision being submitted: a retry of the same submission is the same request.
  const key = useRef(newIdempotencyKey());

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!decision) return;
    setBusy(true);
    setMessage(undefined);
    try {
      const { status, body } = await api<Onboarding & { status: string }>(
        'POST',
        `/v1/onboardings/${onboarding.onboardingId}/review`,
        { decision, reason: reason.trim() },
        { 'Idempotency-Key': key.current },
      );
      key.current = newIdempotencyKey();
      setMessage({ kind: 'done', text: acceptedText(status, body.status) });
      setReason('');
      setDecision(undefined);
      onDone();
    } catch (error) {
      if (error instanceof RequestFailed) {
        if (error.problem.status < 500) key.current = newIdempotencyKey();
        setMessage({ kind: 'problem', text: REFUSALS[error.problem.error] ?? error.message });
      } else {
        setMessage({ kind: 'problem', text: 'The decision could not be sent; try again.' });
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="decision" onSubmit={(event) => void submit(event)}>
      <fieldset>
        <legend>Decision</legend>
        <FourEyesHint onboarding={onboarding} />
        <DecisionChoice value="approve" label="Approve" chosen={decision} onChoose={setDecision} />
        <DecisionChoice value="reject" label="Reject" chosen={decision} onChoose={setDecision} />
        <label htmlFor="reason">Reason (kept on the record)</label>
        <textarea
          id="reason"
          name="reason"
          required
          maxLength={2000}
          rows={3}
          value={reason}
          onChange={(event) => setReason(event.target.value)}
        />
        <button type="submit" disabled={busy || !decision || reason.trim() === ''}>
          {busy ? 'Sending…' : 'Submit decision'}
        </button>
      </fieldset>
      <p role="status" aria-live="polite" className={message?.kind === 'problem' ? 'problem' : 'done'}>
        {message?.text}
      </p>
    </form>
  );
}

function DecisionChoice(props: { value: Choice; label: string; chosen?: Choice; onChoose: (choice: Choice) => void }) {
  return (
    <label className="choice">
      <input
        type="radio"
        name="decision"
        value={props.value}
        checked={props.chosen === props.value}
        onChange={() => props.onChoose(props.value)}
      />{' '}
      {props.label}
    </label>
  );
}

/** Where a four-eyes case stands: whether this approval would be the first or the deciding one. */
function FourEyesHint({ onboarding }: { onboarding: Onboarding }) {
  if (onboarding.firstApproval) {
    return (
      <p className="hint">
        Approved first by <strong>{onboarding.firstApproval.reviewer}</strong>: a second approval decides.
      </p>
    );
  }
  if (!onboarding.secondApprovalRequired) return null;
  return <p className="hint">Approving this case takes two reviewers: yours would be the first.</p>;
}
