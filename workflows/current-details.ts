/**
 * What the Temporal UI shows as the onboarding's current details: why it waits and what each check
 * found, without running a query. IDs, codes and reviewer names only: no personal data, and not the
 * reviewers' free-text reasons.
 */
import type { CheckType } from '../complycube/primitives';
import type { CheckState, OnboardingState } from './onboarding-contract';

const CHECK_NAMES: Record<CheckType, string> = {
  identity_fraud_check: 'Identity fraud check',
  enhanced_identity_check: 'Enhanced identity check',
};

const STATUS_TEXT: Record<OnboardingState['status'], string> = {
  checks_running: 'Checks running',
  awaiting_review: 'Awaiting review',
  escalated: 'Escalated: review past its SLA',
  awaiting_second_approval: 'Awaiting a second approval (four-eyes)',
  approved: 'Approved',
  rejected: 'Rejected',
  withdrawn: 'Withdrawn',
};

function checkLine(check: CheckState): string {
  const verdict =
    check.status === 'complete'
      ? check.outcome === 'attention'
        ? `**attention** (${check.attentionAnalyses.join(', ') || 'no analysis named'})`
        : (check.outcome ?? 'complete')
      : check.status === 'error'
        ? `**error** (${check.error ?? 'unknown'})`
        : check.status === 'failed' || check.status === 'timed_out'
          ? `**${check.status.replace('_', ' ')}**`
          : check.status;
  return `- ${CHECK_NAMES[check.type]}: ${verdict}${check.checkId ? ` · \`${check.checkId}\`` : ''}`;
}

/** Markdown: one paragraph per fact (the UI joins single line breaks), the checks as a list. */
export function renderCurrentDetails(state: OnboardingState): string {
  const blocks = [`**${STATUS_TEXT[state.status]}**`];
  if (state.reviewReasons.length) blocks.push(`Sent to review because: ${state.reviewReasons.join(', ')}`);
  if (state.reviewEscalatesAt && !state.decision) {
    blocks.push(
      `Review SLA due ${state.reviewEscalatesAt}${state.escalated ? ' (passed)' : ''} · expires ${state.reviewExpiresAt}`,
    );
  }
  blocks.push(Object.values(state.checks).map(checkLine).join('\n'));
  if (state.secondApprovalRequired && !state.decision) blocks.push('Approval takes two reviewers (four-eyes).');
  if (state.firstApproval) {
    blocks.push(
      `First approval: ${state.firstApproval.reviewer} (${state.firstApproval.channel}${state.firstApproval.asserted ? ', name asserted' : ''}) at ${state.firstApproval.at}`,
    );
  }
  if (state.claim && !state.decision) blocks.push(`Claimed by ${state.claim.reviewer} until ${state.claim.expiresAt}`);
  if (state.decision) {
    const d = state.decision;
    blocks.push(
      `Decision: **${d.decision}** by ${d.decidedBy} (${d.decidedByKind}${d.channel ? `, ${d.channel}` : ''}) at ${d.decidedAt}`,
    );
  }
  return blocks.join('\n\n');
}
