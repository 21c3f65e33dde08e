import { useRef, useState, type FormEvent } from 'react';
import { api, newIdempotencyKey, RequestFailed } from './api';
import { REVIEW_REFUSALS } from '../../workflows/review-refusals';
import { missingFromAsk, ResubmissionFields, type Ask } from './ResubmissionFields';
import type { Onboarding } from './types';

/** Each refusal's sentence, from the contract's union (the API answers with the same sentence). */
const REFUSALS: Record<string, string> = REVIEW_REFUSALS;

type Choice = 'approve' | 'reject' | 'request_resubmission';
const NO_ASK: Ask = { items: [], reasonCodes: [] };

/** What the reviewer reads once the API took the decision. */
function acceptedText(httpStatus: number, caseStatus: string): string {
  if (httpStatus === 202) return 'Decision accepted; it is being recorded.';
  if (caseStatus === 'awaiting_second_approval') return 'First approval recorded: a second reviewer must approve.';
  if (caseStatus === 'awaiting_resubmission') return 'Resubmission requested: the case waits for the applicant.';
  return `Decided: ${caseStatus}.`;
}

/** Why no resubmission may be asked for, once the policy's rounds are used up; undefined while one may. */
function roundsUsedUp({ resubmissionRounds, policy }: Onboarding): string | undefined {
  const cap = policy?.resubmissionRounds;
  if (cap === undefined || (resubmissionRounds ?? 0) < cap) return undefined;
  if (cap === 0) return "This onboarding's policy allows no resubmission request: approve or reject it.";
  if (cap === 1) return 'The one resubmission round this policy allows was used: approve or reject it.';
  return `All ${cap} resubmission rounds this policy allows were used: approve or reject it.`;
}

/**
 * Approve, reject, or ask the applicant for a resubmission, with a reason (for a resubmission, the
 * note): the workflow enforces claims, four-eyes and the rounds whatever this form allows.
 */
export function DecisionForm({ onboarding, onDone }: { onboarding: Onboarding; onDone: () => void }) {
  const [decision, setDecision] = useState<Choice>();
  const [reason, setReason] = useState('');
  const [ask, setAsk] = useState<Ask>(NO_ASK);
  const [message, setMessage] = useState<{ kind: 'problem' | 'done'; text: string }>();
  const [busy, setBusy] = useState(false);
  // One key per decision being submitted: a retry of the same submission is the same request.
  const key = useRef(newIdempotencyKey());
  const resubmitting = decision === 'request_resubmission';
  const exhausted = roundsUsedUp(onboarding);
  const missing = resubmitting ? missingFromAsk(ask, reason) : reason.trim() === '' ? ['a reason'] : [];

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!decision || missing.length > 0) return;
    setBusy(true);
    setMessage(undefined);
    try {
      const { status, body } = await api<Onboarding & { status: string }>(
        'POST',
        `/v1/onboardings/${onboarding.onboardingId}/review`,
        { decision, reason: reason.trim(), ...(resubmitting ? { resubmission: ask } : {}) },
        { 'Idempotency-Key': key.current },
      );
      key.current = newIdempotencyKey();
      setMessage({ kind: 'done', text: acceptedText(status, body.status) });
      setReason('');
      setAsk(NO_ASK);
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
        <DecisionChoice
          value="request_resubmission"
          label="Ask for resubmission"
          chosen={decision}
          onChoose={setDecision}
          disabled={exhausted !== undefined}
          describedBy={exhausted ? 'resubmission-unavailable' : undefined}
        />
        {exhausted && (
          <p className="hint" id="resubmission-unavailable">
            {exhausted}
          </p>
        )}
        {resubmitting && <ResubmissionFields ask={ask} onChange={setAsk} />}
        <label htmlFor="reason">
          {resubmitting
            ? 'Note (kept on the record; shown to reviewers, not sent to the backend)'
            : 'Reason (kept on the record)'}
        </label>
        <textarea
          id="reason"
          name="reason"
          required
          maxLength={2000}
          rows={3}
          value={reason}
          onChange={(event) => setReason(event.target.value)}
        />
        <button type="submit" disabled={busy || !decision || missing.length > 0}>
          {busy ? 'Sending…' : resubmitting ? 'Send resubmission request' : 'Submit decision'}
        </button>
        {decision && missing.length > 0 && <p className="hint">Still needed: {missing.join(', ')}.</p>}
      </fieldset>
      <p role="status" aria-live="polite" className={message?.kind === 'problem' ? 'problem' : 'done'}>
        {message?.text}
      </p>
    </form>
  );
}

function DecisionChoice(props: {
  value: Choice;
  label: string;
  chosen?: Choice;
  onChoose: (choice: Choice) => void;
  disabled?: boolean;
  describedBy?: string | undefined;
}) {
  return (
    <label className="choice">
      <input
        type="radio"
        name="decision"
        value={props.value}
        disabled={props.disabled}
        aria-describedby={props.describedBy}
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
