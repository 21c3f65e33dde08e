/** How times and codes read for a reviewer. */

export function duration(seconds: number): string {
  const s = Math.abs(seconds);
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${Math.floor(s % 60)}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

export function slaText(secondsLeft: number): string {
  return secondsLeft >= 0 ? `${duration(secondsLeft)} left` : `${duration(secondsLeft)} overdue`;
}

/**
 * A moment to the second, in the reviewer's time zone, saying which: `2 Dec 2026, 15:04:27 GMT+1`.
 * Every time on every page goes through here, so none is shown to the minute or without its zone.
 */
const MOMENT = new Intl.DateTimeFormat(undefined, {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'short',
});

export function when(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : MOMENT.format(date);
}

/** The reviewer's time zone by its IANA name (`Europe/Berlin`), which every time on the page is in. */
export const timeZone = (): string => MOMENT.resolvedOptions().timeZone;

const STATUS: Record<string, string> = {
  checks_running: 'Checks running',
  awaiting_review: 'Awaiting review',
  escalated: 'Escalated',
  awaiting_second_approval: 'Awaiting second approval',
  awaiting_resubmission: 'Awaiting resubmission',
  approved: 'Approved',
  rejected: 'Rejected',
  expired: 'Expired',
  withdrawn: 'Withdrawn',
};
export const statusText = (status: string) => STATUS[status] ?? status;

/** The reasons the system and the automatic path decide with, in words; a reviewer's reason is their own. */
const OUTCOME_REASONS: Record<string, string> = {
  all_checks_clear: 'All checks came back clear.',
  review_expired: 'No reviewer decided before the review expired.',
  resubmission_expired: 'The applicant did not resubmit what was asked for before it was due.',
  withdrawn: 'The onboarding was withdrawn.',
};
export const outcomeReasonText = (decidedByKind: string, reason: string) =>
  decidedByKind === 'reviewer' ? undefined : OUTCOME_REASONS[reason];

const CHECKS: Record<string, string> = {
  identity_fraud_check: 'Identity fraud check',
  enhanced_identity_check: 'Enhanced identity check',
};
export const checkName = (type: string) => CHECKS[type] ?? type;

/** `identity_fraud_check.attention` → `Identity fraud check: attention`. */
export function reasonText(reason: string): string {
  const [type, what] = reason.split('.');
  return type && what ? `${checkName(type)}: ${what.replace(/_/g, ' ')}` : reason;
}

/** `databaseAnalysis` → `Database analysis`; `previouslyEnrolledFace` → `Previously enrolled face`. */
export function words(name: string): string {
  const spaced = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}
