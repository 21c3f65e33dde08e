/**
 * The kinds of security event (`security-events.ts`), with no import, so that the ledger's kinds
 * (`ledger-kinds.ts`, read by the console's types) can take them as they are.
 */
export const SECURITY_EVENT_KINDS = [
  'sign_in',
  'sign_in_failed',
  'sign_in_throttled',
  'sign_out',
  'session_revoked',
  'evidence_viewed',
  // Who looked at an applicant's person, document, face or name (docs/reviewer-view.md); never what they saw.
  'applicant_viewed',
  // A codec server decode: who read Temporal's payloads in clear, and how many (docs/payload-encryption.md).
  'codec_decode',
] as const;
export type SecurityEventKind = (typeof SECURITY_EVENT_KINDS)[number];
