import { when } from './format';
import type { Onboarding } from './types';

export type Choice = 'approve' | 'reject' | 'request_resubmission';

/**
 * Approve, Reject, Ask for resubmission: one of three, as large radio buttons. The reviewer who gave
 * a case its first approval is not offered Approve on it again: four-eyes needs someone else.
 */
export function DecisionChoices(props: {
  onboarding: Onboarding;
  reviewer: string;
  chosen: Choice | undefined;
  onChoose: (choice: Choice) => void;
  resubmissionBlocked: string | undefined;
}) {
  const { onboarding, reviewer, chosen, onChoose, resubmissionBlocked } = props;
  const approvedFirstByMe = onboarding.firstApproval?.reviewer === reviewer;
  const choice = (value: Choice, label: string, disabled = false) => (
    <label className={`choice-button choice-${value}${chosen === value ? ' chosen' : ''}${disabled ? ' off' : ''}`}>
      <input
        type="radio"
        name="decision"
        value={value}
        disabled={disabled}
        aria-describedby={
          value === 'request_resubmission' && resubmissionBlocked ? 'resubmission-unavailable' : undefined
        }
        checked={chosen === value}
        onChange={() => onChoose(value)}
      />
      {label}
    </label>
  );
  return (
    <fieldset className="choices">
      <legend>Decision</legend>
      <FourEyes onboarding={onboarding} approvedFirstByMe={approvedFirstByMe} />
      <div className="choice-row">
        {!approvedFirstByMe && choice('approve', 'Approve')}
        {choice('reject', 'Reject')}
        {choice('request_resubmission', 'Ask for resubmission', resubmissionBlocked !== undefined)}
      </div>
      {resubmissionBlocked && (
        <p className="hint" id="resubmission-unavailable">
          {resubmissionBlocked}
        </p>
      )}
    </fieldset>
  );
}

/** Where a four-eyes case stands: who approved first and when, and whose approval decides. */
function FourEyes({ onboarding, approvedFirstByMe }: { onboarding: Onboarding; approvedFirstByMe: boolean }) {
  const first = onboarding.firstApproval;
  if (first) {
    return (
      <div className="four-eyes">
        <p>
          Approved first by <strong>{approvedFirstByMe ? 'you' : first.reviewer}</strong> on{' '}
          <time dateTime={first.at}>{when(first.at)}</time>
        </p>
        <p className={approvedFirstByMe ? 'four-eyes-own' : 'hint'}>
          {approvedFirstByMe
            ? 'You gave the first approval: a different reviewer must approve. You may still reject or ask for a resubmission.'
            : 'A second approval, by you, decides the case.'}
        </p>
      </div>
    );
  }
  if (!onboarding.secondApprovalRequired) return null;
  return <p className="hint">Approving takes two reviewers: yours would be the first.</p>;
}
