/** How a ledger entry reads on the printed case record: a label per kind and a one-line summary. */
import { checkName, reasonText } from './format';
import { askText } from './resubmissionText';
import type { LedgerEntry } from './types';

const KINDS: Record<LedgerEntry['kind'], string> = {
  started: 'Started',
  check_created: 'Check created',
  sent_to_review: 'Sent to review',
  claim: 'Claimed',
  release: 'Released',
  first_approval: 'First approval',
  resubmission_requested: 'Resubmission requested',
  decision: 'Decision',
  refused: 'Refused',
  note: 'Internal note',
  assignment: 'Assigned',
  decision_recorded: 'Decision recorded',
  evidence_viewed: 'Evidence viewed',
  applicant_viewed: 'Applicant viewed',
  codec_decode: 'Payloads decoded',
  relationship_ended: 'Relationship ended',
  ledger_purged: 'Retention purge',
  personal_data_erased: 'Personal data erased',
  sign_in: 'Signed in',
  sign_in_failed: 'Sign-in failed',
  sign_in_throttled: 'Sign-in throttled',
  sign_out: 'Signed out',
  session_revoked: 'Session revoked',
};
export const kindText = (kind: string) => KINDS[kind as LedgerEntry['kind']] ?? kind;

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
const list = (value: unknown) => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** The checks of a recorded decision: `Identity fraud check: attention`. */
function checks(value: unknown): string | undefined {
  if (!Array.isArray(value)) return undefined;
  const each = value.map((check: unknown) => {
    const c = (check ?? {}) as Record<string, unknown>;
    return `${checkName(text(c.type) ?? '?')}: ${text(c.outcome) ?? text(c.status) ?? '?'}`;
  });
  return each.length ? `checks ${each.join(', ')}` : undefined;
}

/**
 * What an entry's body says, in short plain text (React renders it as text, never markup). A
 * reason is a reference to its encrypted text (docs/payload-encryption.md): `texts` reads it.
 */
export function summary(entry: LedgerEntry, texts: Record<string, string> = {}): string {
  const b = Object.fromEntries(
    Object.entries(entry.body).map(([k, v]) => [k, typeof v === 'string' && v in texts ? texts[v] : v]),
  );
  if (entry.purgedBy != null) return `content removed by the retention purge at seq ${entry.purgedBy}`;
  const parts: (string | undefined)[] = [];
  switch (entry.kind) {
    case 'relationship_ended':
      parts.push(text(b.endedAt) && `ended ${text(b.endedAt)}`);
      break;
    case 'started':
      parts.push(b.reverify === true ? 'reverification' : undefined);
      break;
    case 'check_created':
      parts.push(text(b.checkType) && checkName(text(b.checkType)!), text(b.checkId) && `ID ${text(b.checkId)}`);
      break;
    case 'sent_to_review':
      parts.push(list(b.reviewReasons).map(reasonText).join('; ') || undefined);
      parts.push(b.secondApprovalRequired === true ? 'second approval required' : undefined);
      break;
    case 'resubmission_requested': {
      const asked = askText(b.resubmission);
      parts.push(asked && `asked for ${asked}`, text(b.reason) && `note: ${text(b.reason)}`);
      break;
    }
    case 'note':
      parts.push(text(b.note) ?? text(b.text) ?? text(b.reason));
      break;
    case 'assignment':
      parts.push(text(b.assignee) && `to ${text(b.assignee)}`);
      break;
    case 'decision_recorded':
      parts.push(text(b.decision), text(b.reason) && `reason: ${text(b.reason)}`);
      parts.push(b.verified === true ? 'verified' : 'not verified', checks(b.checks));
      break;
    default:
      parts.push(text(b.decision), text(b.reason) && `reason: ${text(b.reason)}`);
      parts.push(list(b.reasonCodes).length ? `codes: ${list(b.reasonCodes).join(', ')}` : undefined);
      parts.push(text(b.refusal) && `refusal: ${text(b.refusal)}`, text(b.method) && `by ${text(b.method)}`);
  }
  return parts.filter(Boolean).join(' · ');
}
