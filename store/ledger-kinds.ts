/**
 * The ledger's entry kinds, on their own: the API's schema and the console's types read them
 * without bringing in the hash rule (which needs node:crypto).
 */
import { SECURITY_EVENT_KINDS } from './security-event-kinds';

/** The kinds of entry the store writes (`docs/ledger.md`). */
export const LEDGER_ENTRY_KINDS = [
  'started',
  'claim',
  'release',
  'first_approval',
  'decision',
  // A reviewer asked the applicant to resubmit (docs/resubmission.md).
  'resubmission_requested',
  'refused',
  // A reviewer's internal note on a case, and a senior's assignment of it (docs/reviewer-view.md).
  'note',
  'assignment',
  'decision_recorded',
  'check_created',
  'sent_to_review',
  // The end of an approved customer's relationship, from which retention runs; and a retention
  // purge, which lists the entries whose bodies it removed.
  'relationship_ended',
  'ledger_purged',
  // A client's personal data erased: its data key destroyed (docs/payload-encryption.md).
  'personal_data_erased',
  // Every security event goes on the ledger as its own kind.
  ...SECURITY_EVENT_KINDS,
] as const;
export type LedgerEntryKind = (typeof LEDGER_ENTRY_KINDS)[number];
