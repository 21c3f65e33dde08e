/**
 * What a reviewer may ask an applicant to resubmit, and why: the items, and the reason codes with
 * the sentence a person is shown for each (docs/resubmission.md). Part of the onboarding contract
 * (`contract/resubmission.ts` builds its schemas on them); it imports nothing, so the console
 * reads it without bringing in zod.
 */

/** What can be asked for again; both feed the enhanced identity check. */
export const RESUBMISSION_ITEMS = ['document', 'live_video'] as const;
export type ResubmissionItem = (typeof RESUBMISSION_ITEMS)[number];

/** The reasons a reviewer picks from, each with the sentence shown for it. */
export const RESUBMISSION_REASONS = {
  document_unreadable: 'The document photo is blurred, cropped, too dark or shows glare.',
  document_expired: 'The document has expired.',
  document_not_accepted: 'This type of document is not accepted.',
  document_incomplete: 'A side or page of the document is missing.',
  document_data_mismatch: "The document's data do not match the applicant's.",
  face_not_visible: 'The face is not clearly visible in the live video.',
  live_video_quality: 'The live video is too dark, too blurred or too short.',
  liveness_doubt: 'The live video shows signs of a screen, a photo or a mask.',
  face_mismatch: 'The face in the live video does not match the document photo.',
  other: 'Another reason, given in the note.',
} as const;
export type ResubmissionReason = keyof typeof RESUBMISSION_REASONS;
export const RESUBMISSION_REASON_CODES = Object.keys(RESUBMISSION_REASONS) as [
  ResubmissionReason,
  ...ResubmissionReason[],
];
