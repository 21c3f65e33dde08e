/**
 * What the Temporal UI shows as the onboarding's current details: the outcome or the state in
 * words on the first line, then the checks and the review's deadlines, in a few short lines that
 * fit the details panel. IDs, statuses, codes and reviewer subjects only: no personal data, and
 * never the reviewers' free-text reasons.
 */
import type { CheckType } from '../../../../complycube/primitives';
import type { CheckState, OnboardingDecision, OnboardingState } from './onboarding-contract';

const CHECK_NAMES: Record<CheckType, string> = {
  identity_fraud_check: 'Fraud',
  enhanced_identity_check: 'Enhanced ID',
};

/** A time to the minute, in UTC, without the year: enough to read a deadline, short enough for the panel. */
const minute = (iso: string | undefined) => (iso ? `${iso.slice(5, 16).replace('T', ' ')}Z` : '?');

/** `databaseAnalysis.police` → `police`: the field says what needs attention; `getState` has the full name. */
const shortAnalysis = (name: string) => name.slice(name.lastIndexOf('.') + 1);

function checkText(check: CheckState): string {
  const verdict =
    check.status === 'complete'
      ? check.outcome === 'attention'
        ? `**attention**${check.attentionAnalyses.length ? ` (${check.attentionAnalyses.map(shortAnalysis).join(', ')})` : ''}`
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
  const proof = d.channel === 'signal' ? ', name asserted' : d.verified ? ', verified' : '';
  return `by ${names}${d.channel ? ` (${d.channel}${proof})` : ''}`;
}

/**
 * The outcome and when, its first word in capitals so that an approval and a rejection differ at a
 * glance (words, not emoji: the UI's font may have no glyph for them).
 */
function outcomeLine(d: OnboardingDecision): string {
  const when = ` · ${minute(d.decidedAt)}`;
  if (d.decision === 'withdrawn') return `**WITHDRAWN**: the onboarding was cancelled${when}`;
  if (d.decision === 'expired') return `**EXPIRED**: the resubmission asked for never came${when}`;
  const head = d.decision === 'approved' ? '**APPROVED**' : '**REJECTED**';
  if (d.decidedByKind === 'automatic') return `${head} automatically: both checks clear${when}`;
  if (d.decidedByKind === 'system') return `${head}: the review expired without a decision${when}`;
  return `${head} ${deciders(d)}${when}`;
}

/** Where an undecided case stands. */
function stateLine(state: OnboardingState): string {
  switch (state.status) {
    case 'awaiting_second_approval':
      return `**WAITING** for a second approval (first: ${state.firstApproval?.reviewer ?? '?'})${deadlines(state)}`;
    case 'awaiting_resubmission': {
      const request = state.resubmission;
      const what = request ? request.items.join(' and ').replace('_', ' ') : 'a resubmission';
      const why = request ? ` (${request.reasonCodes.join(', ')})` : '';
      return `**WAITING** for the applicant to resubmit the ${what}${why} · round ${request?.round ?? '?'} · due ${minute(request?.dueAt)}`;
    }
    case 'awaiting_review':
    case 'escalated':
      // Why it waits is the checks' line below: the reasons are those verdicts.
      return `**WAITING** for review${deadlines(state)}`;
    default: {
      const checks = Object.values(state.checks);
      const done = checks.filter((c) => c.status !== 'creating' && c.status !== 'pending').length;
      return `**CHECKS RUNNING**: ${done} of ${checks.length} done`;
    }
  }
}

/** The review's deadlines and who holds the case, appended to the line of a case waiting for a reviewer. */
function deadlines(state: OnboardingState): string {
  if (!state.reviewEscalatesAt) return '';
  const parts = [
    `${state.escalated ? 'past SLA' : 'SLA'} ${minute(state.reviewEscalatesAt)}`,
    `expires ${minute(state.reviewExpiresAt)}`,
  ];
  if (state.secondApprovalRequired && !state.firstApproval) parts.push('4-eyes');
  if (state.claim) parts.push(`claimed by ${state.claim.reviewer}`);
  return ` · ${parts.join(' · ')}`;
}

/**
 * Markdown, one short paragraph per line (the UI joins single line breaks): two, as the UI's panel
 * shows about three lines of text before it clips.
 */
export function renderCurrentDetails(state: OnboardingState): string {
  const lines = [
    state.decision ? outcomeLine(state.decision) : stateLine(state),
    Object.values(state.checks).map(checkText).join(' · '),
  ];
  return lines.join('\n\n');
}
