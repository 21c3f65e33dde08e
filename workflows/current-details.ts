/**
 * What the Temporal UI shows as the onboarding's current details: the outcome or the state in
 * words on the first line, then the checks and the review's deadlines, in a few short lines that
 * fit the details panel. IDs, statuses, codes and reviewer subjects only: no personal data, and
 * never the reviewers' free-text reasons.
 */
import type { CheckType } from '../complycube/primitives';
import type { CheckState, OnboardingDecision, OnboardingState } from './onboarding-contract';

const CHECK_NAMES: Record<CheckType, string> = {
  identity_fraud_check: 'Fraud',
  enhanced_identity_check: 'Enhanced ID',
};

/** A time to the minute, in UTC, without the year: enough to read a deadline, short enough for the panel. */
const minute = (iso: string | undefined) => (iso ? `${iso.slice(5, 16).replace('T', ' ')}Z` : '?');

function checkText(check: CheckState): string {
  const verdict =
    check.status === 'complete'
      ? check.outcome === 'attention'
        ? `**attention**${check.attentionAnalyses.length ? ` (${check.attentionAnalyses.join(', ')})` : ''}`
        : (check.outcome ?? 'complete')
      : check.status === 'error'
        ? `**error** (${check.error ?? 'unknown'})`
        : check.status === 'failed' || check.status === 'timed_out'
          ? `**${check.status.replace('_', ' ')}**`
          : check.status;
  return `${CHECK_NAMES[check.type]}: ${verdict}`;
}

/** Who decided, in words: the reviewers (both, under four-eyes) and how their message came. */
function deciders(d: OnboardingDecision): string {
  const names = d.approvals && d.approvals.length > 1 ? d.approvals.map((a) => a.reviewer).join(' and ') : d.decidedBy;
  const asserted = d.channel === 'signal' ? ', name asserted' : '';
  return `by ${names}${d.channel ? ` (${d.channel}${asserted})` : ''}`;
}

/** The outcome, with a mark that tells an approval from a rejection at a glance. */
function outcomeLine(d: OnboardingDecision): string {
  if (d.decision === 'withdrawn') return '⏹ **Withdrawn**: the onboarding was cancelled';
  const head = d.decision === 'approved' ? '✅ **Approved**' : '⛔ **Rejected**';
  if (d.decidedByKind === 'automatic') return `${head} automatically: both checks clear`;
  if (d.decidedByKind === 'system') return `${head}: the review expired without a decision`;
  return `${head} ${deciders(d)}`;
}

/** Where an undecided case stands. */
function stateLine(state: OnboardingState): string {
  const late = state.escalated ? ', past its SLA' : '';
  switch (state.status) {
    case 'awaiting_second_approval':
      return `⏳ **Waiting for a second approval**${late} (first: ${state.firstApproval?.reviewer ?? '?'})`;
    case 'awaiting_review':
    case 'escalated':
      return `⏳ **Waiting for review**${late}: ${state.reviewReasons.join(', ')}`;
    default: {
      const checks = Object.values(state.checks);
      const done = checks.filter((c) => c.status !== 'creating' && c.status !== 'pending').length;
      return `🔄 **Checks running**: ${done} of ${checks.length} done`;
    }
  }
}

/** The review's deadlines and who holds the case, while it waits for a reviewer. */
function reviewLine(state: OnboardingState): string | undefined {
  if (state.decision || !state.reviewEscalatesAt) return undefined;
  const parts = [
    `SLA ${minute(state.reviewEscalatesAt)}${state.escalated ? ' (passed)' : ''}`,
    `expires ${minute(state.reviewExpiresAt)}`,
  ];
  if (state.secondApprovalRequired && !state.firstApproval) parts.push('4-eyes');
  if (state.claim) parts.push(`claimed by ${state.claim.reviewer} until ${minute(state.claim.expiresAt)}`);
  return parts.join(' · ');
}

/** When it was decided, and why it had gone to review (codes only). */
function decidedLine(d: OnboardingDecision): string {
  const reviewed = d.reviewReasons.length ? ` · reviewed for ${d.reviewReasons.join(', ')}` : '';
  return `Decided ${minute(d.decidedAt)}${reviewed}`;
}

/** Markdown, one short paragraph per line (the UI joins single line breaks): three or four in all. */
export function renderCurrentDetails(state: OnboardingState): string {
  const lines = [
    state.decision ? outcomeLine(state.decision) : stateLine(state),
    Object.values(state.checks).map(checkText).join(' · '),
    reviewLine(state),
    state.decision ? decidedLine(state.decision) : undefined,
  ];
  return lines.filter((line) => line !== undefined).join('\n\n');
}
