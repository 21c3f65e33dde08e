import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, newIdempotencyKey, RequestFailed } from './api';
import { REVIEW_REFUSALS } from '../../workflows/review-refusals';
import { DecisionChoices, type Choice } from './DecisionChoices';
import type { DecisionReasonCode } from './decisionText';
import { ReasonCodes } from './ReasonCodes';
import { missingFromAsk, ResubmissionFields, type Ask } from './ResubmissionFields';
import type { Onboarding } from './types';

/** Each refusal's sentence, from the contract's union (the API answers with the same sentence). */
const REFUSALS: Record<string, string> = REVIEW_REFUSALS;

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

/** What the chosen decision still lacks before it can be sent, in words; empty once complete. */
function missingFor(decision: Choice | undefined, ask: Ask, reason: string): string[] {
  if (decision === 'request_resubmission') return missingFromAsk(ask, reason);
  // Reason codes are asked for, not required: the API takes a decision without them, as it always has.
  return [reason.trim() === '' && 'a reason'].filter((missing): missing is string => typeof missing === 'string');
}

/**
 * Approve, reject, or ask the applicant for a resubmission: with documented reason codes and a
 * reason (for a resubmission, what to resubmit, why, and the note). The workflow enforces claims,
 * four-eyes and the rounds whatever this form allows.
 */
export function DecisionForm(props: { onboarding: Onboarding; reviewer: string; onDone: () => void }) {
  const { onboarding, reviewer, onDone } = props;
  const [chosen, setDecision] = useState<Choice>();
  const [codes, setCodes] = useState<DecisionReasonCode[]>([]);
  const [reason, setReason] = useState('');
  const [ask, setAsk] = useState<Ask>(NO_ASK);
  const [message, setMessage] = useState<{ kind: 'problem' | 'done'; text: string }>();
  const [busy, setBusy] = useState(false);
  // One key per decision being submitted: a retry of the same submission is the same request.
  const key = useRef(newIdempotencyKey());
  // The answer is said where the form ends: brought into view in the desk's own scroll.
  const said = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (message) said.current?.scrollIntoView({ block: 'nearest' });
  }, [message]);
  // Approve goes away once this reviewer's approval is the first of two (another tab, or the
  // poll): a choice of it made before must not stay armed.
  const approvedFirstByMe = onboarding.firstApproval?.reviewer === reviewer;
  const decision = approvedFirstByMe && chosen === 'approve' ? undefined : chosen;
  const resubmitting = decision === 'request_resubmission';
  const missing = missingFor(decision, ask, reason);

  const choose = (choice: Choice) => {
    setDecision(choice);
    setCodes([]);
    setMessage(undefined);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!decision || missing.length > 0) return;
    setBusy(true);
    setMessage(undefined);
    try {
      const { status, body } = await api<Onboarding & { status: string }>(
        'POST',
        `/v1/onboardings/${onboarding.onboardingId}/review`,
        {
          decision,
          reason: reason.trim(),
          ...(resubmitting ? { resubmission: ask } : codes.length > 0 ? { reasonCodes: codes } : {}),
        },
        { 'Idempotency-Key': key.current },
      );
      key.current = newIdempotencyKey();
      setMessage({ kind: 'done', text: acceptedText(status, body.status) });
      setReason('');
      setCodes([]);
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
      onDone();
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="decision" onSubmit={(event) => void submit(event)}>
      <DecisionChoices
        onboarding={onboarding}
        reviewer={reviewer}
        chosen={decision}
        onChoose={choose}
        resubmissionBlocked={roundsUsedUp(onboarding)}
      />
      {decision && (
        <div className="decision-details">
          {resubmitting ? (
            <ResubmissionFields ask={ask} onChange={setAsk} />
          ) : (
            <ReasonCodes decision={decision} chosen={codes} onChange={setCodes} />
          )}
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
          <button type="submit" disabled={busy || missing.length > 0}>
            {busy ? 'Sending…' : resubmitting ? 'Send resubmission request' : 'Submit decision'}
          </button>
          {missing.length > 0 && <p className="hint">Still needed: {missing.join(', ')}.</p>}
        </div>
      )}
      <p ref={said} role="status" aria-live="polite" className={message?.kind === 'problem' ? 'problem' : 'done'}>
        {message?.text}
      </p>
    </form>
  );
}
