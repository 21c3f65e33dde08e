/**
 * The end of every run: the decision written with its events, shown, counted, and on the review
 * desk's trail; then the run waits for its handlers. Workflow code: deterministic, no Node.
 */
import { allHandlersFinished, condition, log, patched } from '@temporalio/workflow';
import type { CaseRecord } from './case-record';
import type { Notices } from './checks';
import type { DecisionRecorder } from './decision-recording';
import { countDecision } from './metrics';
import type { OnboardingDecision, OnboardingPolicy, OnboardingRequest, OnboardingState } from './onboarding-contract';
import { DECISION_WITH_ITS_EVENTS, EVENTS_AS_LOCAL_ACTIVITIES, type EventEmitter } from './outbound-events';
import type { ResubmissionInbox } from './resubmission';
import type { ReviewDesk } from './review-desk';

/** One run's parts, as its steps share them. */
export interface OnboardingRun extends CaseRecord {
  state: OnboardingState;
  policy: OnboardingPolicy;
  request: OnboardingRequest;
  taskQueue: string;
  notices: Notices;
  desk: ReviewDesk;
  events: EventEmitter;
  resubmissions: ResubmissionInbox;
  recordDecision: DecisionRecorder;
}

/** The decision recorded, shown, counted, and on the desk's trail; then the run waits for its handlers. */
export async function finish(run: OnboardingRun, decision: OnboardingDecision): Promise<OnboardingDecision> {
  const { state, desk } = run;
  const decided = {
    decision: decision.decision,
    decidedByKind: decision.decidedByKind,
    // A reviewer's reason is their free text: only the system's reasons, which are codes, go out.
    reason: decision.decidedByKind === 'reviewer' ? null : decision.reason,
    decidedAt: decision.decidedAt,
  };
  if (patched(DECISION_WITH_ITS_EVENTS)) {
    // Events emitted before are written first (replay must see this wait, as below); the held
    // check event and the decision's own event commit with the decision.
    await run.events.settled();
    await run.recordDecision(decision, run.events.takeWith('onboarding.decided', decided));
    state.decision = decision;
  } else {
    await run.recordDecision(decision);
    // A check's event may still be on its way (a local activity beside the decision's write). The
    // decision's event waits for it here, not behind it in the event chain: replay resolves local
    // activities that ran side by side in one activation, where the run saw them one at a time, so
    // only a wait the code makes itself leaves the commands after it in the same order.
    if (patched(EVENTS_AS_LOCAL_ACTIVITIES)) await run.events.settled();
    state.decision = decision;
    run.events.emit('onboarding.decided', decided, { local: true });
  }
  run.setStatus(decision.decision);
  if (state.reviewOpenedAt) {
    // A reviewer's decision goes on the audit trail; any decision takes the case off the queue.
    const final = decision.decidedByKind === 'reviewer' ? desk.final : undefined;
    await desk.recordDecided(
      final && {
        kind: 'decision',
        actor: final.reviewer,
        channel: final.channel,
        authenticated: !final.asserted,
        decision: final.decision,
        reason: final.reason,
        ...(final.reasonCodes ? { reasonCodes: final.reasonCodes } : {}),
      },
    );
  }
  run.step('decided', `${decision.decision} by ${decision.decidedBy}`);
  countDecision(decision);
  log.info('Onboarding decided', { decision: decision.decision, decidedByKind: decision.decidedByKind });
  await desk.settled();
  await run.events.settled();
  await condition(allHandlersFinished);
  return decision;
}
