/**
 * Resubmission (since 0.8.0): a reviewer asks the applicant for a new document, a new live video or
 * both, with reasons from a documented list; the onboarding backend answers with the new objects'
 * IDs and the run checks them again. The reasons are codes, never personal data; a reviewer's
 * free-text note travels as the reason of the review message, protected like every reason.
 */
import { z } from 'zod';
import { complyCubeIdSchema } from '../../../../../complycube/primitives';
import {
  RESUBMISSION_ITEMS,
  RESUBMISSION_REASON_CODES,
  RESUBMISSION_REASONS,
  type ResubmissionItem,
  type ResubmissionReason,
} from '../resubmission-reasons';

export { RESUBMISSION_ITEMS, RESUBMISSION_REASON_CODES, RESUBMISSION_REASONS };
export type { ResubmissionItem, ResubmissionReason };
export const resubmissionItemSchema = z.enum(RESUBMISSION_ITEMS);
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

/** The new objects' IDs, as the API takes them and the Update carries them. */
export const resubmissionFields = {
  documentId: complyCubeIdSchema.optional(),
  liveVideoId: complyCubeIdSchema.optional(),
};

/** An answer names at least one new object. */
export const namesAnObject = [
  (answer: { documentId?: string | undefined; liveVideoId?: string | undefined }) =>
    answer.documentId !== undefined || answer.liveVideoId !== undefined,
  { message: 'give documentId, liveVideoId or both' },
] as const;

/** The onboarding backend's answer: the new ComplyCube objects, one for each item asked for. */
export const resubmissionSchema = z.strictObject(resubmissionFields).refine(...namesAnObject);
export type Resubmission = z.infer<typeof resubmissionSchema>;

/**
 * What the API's assertion of an answer binds, as the reason of an asserted message: the IDs given,
 * so that an assertion for one answer cannot carry another.
 */
export const resubmissionText = (answer: Resubmission) =>
  `resubmission:${answer.documentId ?? '-'}:${answer.liveVideoId ?? '-'}`;

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

/**
 * What the API's assertion of a review binds as its reason: the reason itself, and for a
 * resubmission request what is asked for too, so an assertion cannot carry other items or codes.
 */
export function assertedReviewReason(
  reason: string,
  ask: ResubmissionAsk | undefined,
  reasonCodes?: readonly string[],
): string {
  // Since 0.9.0 a decision's reason codes are bound too; a message without them signs as before.
  // After a NUL, which no reason the API signs can hold, so no reason can pass for one with codes.
  const codes = reasonCodes?.length ? `\u0000codes:${reasonCodes.join(',')}` : '';
  return ask
    ? `${reason}\nresubmission:${ask.items.join(',')}:${ask.reasonCodes.join(',')}${codes}`
    : `${reason}${codes}`;
}
