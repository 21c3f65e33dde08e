/**
 * Resubmission (since 0.8.0): a reviewer asks the applicant for a new document, a new live video or
 * both, with reasons from a documented list; the onboarding backend answers with the new objects'
 * IDs and the run checks them again. The reasons are codes, never personal data; a reviewer's
 * free-text note travels as the reason of the review message, protected like every reason.
 */
import { z } from 'zod';
import { complyCubeIdSchema } from '../../complycube/primitives';

/** What can be asked for again, and the one check each feeds: both feed the enhanced identity check. */
export const RESUBMISSION_ITEMS = ['document', 'live_video'] as const;
export const resubmissionItemSchema = z.enum(RESUBMISSION_ITEMS);
export type ResubmissionItem = z.infer<typeof resubmissionItemSchema>;

/** The reasons a reviewer picks from (docs/resubmission.md), each with the sentence shown for it. */
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
export const resubmissionReasonSchema = z.enum(RESUBMISSION_REASON_CODES);

const distinct = (values: readonly string[]) => new Set(values).size === values.length;

/** What a reviewer asks for: the items and the reasons (the note is the review message's reason). */
export const resubmissionAskSchema = z.strictObject({
  items: z.array(resubmissionItemSchema).min(1).max(2).refine(distinct, 'must not repeat an item'),
  reasonCodes: z.array(resubmissionReasonSchema).min(1).max(10).refine(distinct, 'must not repeat a reason'),
});
export type ResubmissionAsk = z.infer<typeof resubmissionAskSchema>;

/** The request as the run keeps it while it waits: who asked, why, and until when. */
export interface ResubmissionRequest extends ResubmissionAsk {
  /** 1 for the first request of the run, then 2, … up to the policy's `resubmissionRounds`. */
  round: number;
  requestedBy: string;
  channel: 'console' | 'api' | 'cli';
  /** The reviewer's note: a reference to its protected text, as every reason is kept. */
  note: string;
  requestedAt: string;
  /** Past it without an answer, the onboarding ends `expired`. */
  dueAt: string;
}

/** The onboarding backend's answer: the new ComplyCube objects, one for each item asked for. */
export const resubmissionSchema = z
  .strictObject({
    documentId: complyCubeIdSchema.optional(),
    liveVideoId: complyCubeIdSchema.optional(),
  })
  .refine((answer) => answer.documentId !== undefined || answer.liveVideoId !== undefined, {
    message: 'give documentId, liveVideoId or both',
  });
export type Resubmission = z.infer<typeof resubmissionSchema>;

/**
 * How an answer differs from what was asked, in words, or undefined when it fits: a `documentId`
 * for a document asked for, a `liveVideoId` for a live video, and nothing that was not asked for.
 */
export function answerMismatch(request: Pick<ResubmissionRequest, 'items'>, answer: Resubmission): string | undefined {
  const fields = [
    ['document', 'documentId', answer.documentId],
    ['live_video', 'liveVideoId', answer.liveVideoId],
  ] as const;
  const problems = fields.flatMap(([item, field, value]) => {
    const asked = request.items.includes(item);
    if (asked && value === undefined) return [`${field} is required`];
    if (!asked && value !== undefined) return [`${field} was not asked for`];
    return [];
  });
  return problems.length ? problems.join('; ') : undefined;
}
