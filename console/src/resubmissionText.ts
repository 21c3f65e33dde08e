/**
 * How a resubmission request reads: what was asked for and why. The items, the reason codes and
 * each reason's sentence come from the contract (workflows/resubmission-reasons.ts, which imports
 * nothing), so the console offers exactly what the API accepts.
 */
import {
  RESUBMISSION_ITEMS,
  RESUBMISSION_REASON_CODES,
  RESUBMISSION_REASONS,
  type ResubmissionItem,
  type ResubmissionReason,
} from '../../workflows/resubmission-reasons';

export { RESUBMISSION_ITEMS, RESUBMISSION_REASON_CODES };
export type { ResubmissionItem, ResubmissionReason };

const ITEMS: Record<ResubmissionItem, string> = { document: 'Document', live_video: 'Live video' };
export const itemName = (item: string) => ITEMS[item as ResubmissionItem] ?? item;

/** `['document', 'live_video']` → `the document and the live video`. */
export const itemsText = (items: readonly string[]) =>
  items.map((item) => `the ${itemName(item).toLowerCase()}`).join(' and ');

/** The sentence shown for a reason code; the code itself for one this console does not know. */
export const reasonSentence = (code: string) => RESUBMISSION_REASONS[code as ResubmissionReason] ?? code;

/** `Document · reasons: document_unreadable`: what a ledger entry's `resubmission` (as stored, unchecked) asked for. */
export function askText(ask: unknown): string | undefined {
  const strings = (value: unknown) =>
    Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  const { items: rawItems, reasonCodes } = (ask ?? {}) as { items?: unknown; reasonCodes?: unknown };
  const items = strings(rawItems);
  const codes = strings(reasonCodes);
  if (items.length === 0 && codes.length === 0) return undefined;
  return [items.map(itemName).join(' and '), codes.length ? `reasons: ${codes.join(', ')}` : undefined]
    .filter(Boolean)
    .join(' · ');
}
