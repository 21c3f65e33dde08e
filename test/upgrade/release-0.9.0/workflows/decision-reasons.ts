/**
 * The reason codes a reviewer gives with an approval or a rejection, alongside the free-text
 * reason (docs/reviewer-view.md): the documented list, each with the sentence a person is shown
 * for it. Part of the onboarding contract; it imports nothing, so the console reads it too.
 */

/** Reasons for an approval: why the attention the checks raised does not stand in the way. */
export const APPROVAL_REASONS = {
  false_positive_confirmed: 'The flagged analysis is a false positive, confirmed against the evidence.',
  document_verified_manually: 'The document was verified by hand and is genuine.',
  face_match_confirmed: 'The face in the live video matches the document photo.',
  data_discrepancy_explained: "A difference in the applicant's data is explained (e.g. a change of name).",
  source_unavailable_other_evidence: 'A data source could not answer; other evidence suffices.',
} as const;

/** Reasons for a rejection. */
export const REJECTION_REASONS = {
  document_forged: 'The document is forged or altered.',
  document_expired: 'The document has expired.',
  face_mismatch: 'The face in the live video does not match the document photo.',
  liveness_failed: 'The live video shows a screen, a photo or a mask, not a live person.',
  identity_not_verified: "The applicant's identity could not be verified against the sources.",
  previously_enrolled: 'The face is enrolled under another identity.',
  data_mismatch: "The applicant's data do not match the document or the sources.",
  policy_restriction: 'The applicant falls outside the firm’s onboarding policy.',
} as const;

/** Given with either decision. */
export const COMMON_REASONS = {
  other: 'Another reason, given in the note.',
} as const;

export const DECISION_REASONS = { ...APPROVAL_REASONS, ...REJECTION_REASONS, ...COMMON_REASONS } as const;
export type DecisionReasonCode = keyof typeof DECISION_REASONS;
export const DECISION_REASON_CODES = Object.keys(DECISION_REASONS) as [DecisionReasonCode, ...DecisionReasonCode[]];

/** The codes that may go with an approval, and with a rejection. */
export const REASON_CODES_FOR = {
  approve: [...Object.keys(APPROVAL_REASONS), ...Object.keys(COMMON_REASONS)] as DecisionReasonCode[],
  reject: [...Object.keys(REJECTION_REASONS), ...Object.keys(COMMON_REASONS)] as DecisionReasonCode[],
} as const;
