/**
 * The onboarding's business metrics, recorded from workflow code through the SDK's workflow
 * `metricMeter`: it reaches the worker's `/metrics` and is skipped while a history replays, so each
 * event counts once. Labels are types, outcomes and channels: no IDs, no personal data. Metrics
 * issue no commands, so adding or changing them needs no patch.
 */
import { metricMeter } from '@temporalio/workflow';
import type { CheckState, OnboardingDecision } from './onboarding-contract';

export function countStarted(): void {
  metricMeter.createCounter('kyc_onboardings_started', 'onboardings', 'Onboardings started').add(1);
}

/** How long a check took, from the onboarding's start to its result, by type and outcome. */
export function recordCheckDuration(check: CheckState, startedAt: string): void {
  if (!check.completedAt) return;
  const seconds = Math.max(0, (Date.parse(check.completedAt) - Date.parse(startedAt)) / 1000);
  metricMeter
    .createHistogram('kyc_check_duration', 'float', 'seconds', 'Check duration by type and outcome')
    .record(seconds, { check_type: check.type, outcome: check.outcome ?? check.status });
}

export function countDecision(decision: OnboardingDecision): void {
  metricMeter.createCounter('kyc_decisions', 'decisions', 'Decisions by outcome, kind and channel').add(1, {
    outcome: decision.decision,
    decided_by: decision.decidedByKind,
    channel: decision.channel ?? (decision.decidedByKind === 'automatic' ? 'automatic' : 'system'),
  });
}
