/**
 * Why a review message (a decision, a claim, a release) changed nothing: one union that the
 * workflow refuses with, the API answers with, the console explains and the OpenAPI document
 * lists. Part of the onboarding contract (re-exported there), so it imports nothing from Node.
 */

/** Each refusal code, with the sentence a person is shown for it. */
export const REVIEW_REFUSALS = {
  invalid_payload: 'The review message is malformed, so it was ignored.',
  signal_decisions_refused: 'This onboarding does not take decisions by signal; decide through the API or the console.',
  review_not_due:
    'This onboarding is not waiting for a review: its checks have not finished, or they all came back clear.',
  already_decided: 'This onboarding is already decided.',
  claimed_by_other: 'Another reviewer holds this case; wait for their claim to end or be released.',
  second_approval_by_same_reviewer: 'The second approval must come from a different reviewer than the first.',
  not_claimed_by_you: 'You do not hold a claim on this case, so there is nothing to release.',
  assertion_required:
    "Review actions need the API's signed assertion of who sent them: decide through the API, the console or the CLI.",
  assertion_invalid:
    'The review assertion is not valid for this action (unsigned, wrongly signed, expired, or for another message).',
  verified_approvals_required:
    'This case needs two approvals by signed-in reviewers; an approval by signal (name asserted) cannot be one of them.',
  second_approver_role_required:
    "The second approval must come from a reviewer with a role this onboarding's policy names.",
  resubmission_rounds_exhausted:
    'This onboarding has had as many resubmission requests as its policy allows; approve or reject it.',
  resubmission_not_requested: 'This onboarding is not waiting for a resubmission.',
  resubmission_mismatch: 'The resubmission does not give what was asked for.',
  senior_reviewer_required: 'Only a senior reviewer may assign a case.',
} as const;

/** A refusal code. `invalid_payload` and `resubmission_mismatch` are followed by `: <what was wrong>` in the workflow's message. */
export type ReviewRefusal = keyof typeof REVIEW_REFUSALS;

export const REVIEW_REFUSAL_CODES = Object.keys(REVIEW_REFUSALS) as [ReviewRefusal, ...ReviewRefusal[]];

/** The code a refusal message starts with (`invalid_payload: …` → `invalid_payload`), if it is one of ours. */
export function refusalCodeOf(message: string): ReviewRefusal | undefined {
  return REVIEW_REFUSAL_CODES.find((code) => message === code || message.startsWith(`${code}:`));
}

/** The sentence for a refusal, with the detail an `invalid_payload` carries. */
export function describeRefusal(message: string): string {
  const code = refusalCodeOf(message);
  if (!code) return 'The workflow refused this review message.';
  const detail =
    code === 'invalid_payload' || code === 'resubmission_mismatch' ? message.slice(code.length + 1).trim() : '';
  return detail ? `${REVIEW_REFUSALS[code]} ${detail}` : REVIEW_REFUSALS[code];
}
