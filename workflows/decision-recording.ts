/**
 * The decision record and how it reaches the decision store. Workflow code: deterministic, no Node.
 */
import { patched, proxyActivities, proxyLocalActivities, type ActivityOptions } from '@temporalio/workflow';
import type { OnboardingActivities } from '../activities/onboarding-activities';
import type { WebhookActivities } from '../activities/webhook-activities';
import { CHECK_TYPES } from './checks';
import {
  parseDuration,
  type OnboardingDecision,
  type OnboardingPolicy,
  type OnboardingState,
  type OutboundEvent,
} from './onboarding-contract';

/** Since 0.3.0: a reviewer's decision is recorded by a regular activity, not a local one. */
const RECORD_REVIEWED_DECISION_AS_ACTIVITY = 'record-reviewed-decision-as-activity';

/** What was decided, by whom and why: the rest of the record comes from the run. */
export type Outcome = Pick<
  OnboardingDecision,
  'decision' | 'decidedByKind' | 'decidedBy' | 'reason' | 'reviewReasons'
> &
  Partial<Pick<OnboardingDecision, 'channel' | 'approvals'>>;

/** The decision record: this run, the checks as they stand, and the outcome. */
export function conclude(state: OnboardingState, outcome: Outcome): OnboardingDecision {
  return {
    onboardingId: state.onboardingId,
    workflowId: state.workflowId,
    runId: state.runId,
    ...outcome,
    checks: CHECK_TYPES.map((type) => state.checks[type]),
    startedAt: state.startedAt,
    decidedAt: new Date().toISOString(),
  };
}

/**
 * Writes a decision to the decision store, retrying until it is written; with `events` (since
 * 0.12.0, `DECISION_WITH_ITS_EVENTS`), in the same transaction as those events' outbox rows.
 */
export type DecisionRecorder = (decision: OnboardingDecision, events?: OutboundEvent[]) => Promise<void>;

export function decisionRecorder(policy: OnboardingPolicy): DecisionRecorder {
  // Writing the decision is a short, idempotent call on the path to every decision: as a local
  // activity it runs inside the workflow task and saves a server round trip. A local activity runs
  // again when its workflow task fails (a signal arriving as it completes does that), so only an
  // idempotent call that costs nothing to repeat may be one: ComplyCube calls stay regular activities.
  const options: ActivityOptions = {
    startToCloseTimeout: parseDuration(policy.callTimeout),
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5m' },
  };
  const local = proxyLocalActivities<OnboardingActivities & WebhookActivities>(options);
  // A reviewer's decision is recorded by a regular activity: a local activity holds its workflow
  // task open until it ends, and with it the acceptance of the review Update, so a slow store
  // would keep the reviewer from hearing that the decision was taken (docs/edges.md).
  const regular = proxyActivities<OnboardingActivities & WebhookActivities>({
    ...options,
    summary: 'record the decision',
  });
  return async (decision, events) => {
    const asActivity = decision.decidedByKind === 'reviewer' && patched(RECORD_REVIEWED_DECISION_AS_ACTIVITY);
    const proxy = asActivity ? regular : local;
    if (events) await proxy.recordDecisionWithEvents(decision, events);
    else await proxy.recordDecision(decision);
  };
}
