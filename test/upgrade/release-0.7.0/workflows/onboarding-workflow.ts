import {
  CancellationScope,
  allHandlersFinished,
  condition,
  isCancellation,
  log,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { CHECK_TYPES, runCheck, type Notices } from './checks';
import { caseRecord, type CaseRecord } from './case-record';
import { listenForCheckNotices } from './check-notices';
import { decideFromChecks } from './decide';
import { conclude, decisionRecorder } from './decision-recording';
import { countDecision, countStarted, recordCheckDuration } from './metrics';
import { initialState, parseOnboardingInput } from './onboarding-input';
import {
  HANDLER_DESCRIPTIONS,
  complyCubeTaskQueue,
  getStateQuery,
  onboardingStatusSearchAttribute,
  parseDuration,
  type OnboardingDecision,
  type OnboardingPolicy,
  type OnboardingRequest,
  type OnboardingState,
} from './onboarding-contract';
import { openReviewDesk, type ReviewDesk } from './review-desk';
import { needsSecondApproval } from './review-rules';

/** ComplyCube activities on their own task queue, whose dispatch rate Temporal caps fleet-wide. */
const COMPLYCUBE_TASK_QUEUE = 'complycube-task-queue';

/** One run's parts, as its steps share them. */
interface OnboardingRun extends CaseRecord {
  state: OnboardingState;
  policy: OnboardingPolicy;
  request: OnboardingRequest;
  taskQueue: string;
  notices: Notices;
  desk: ReviewDesk;
  recordDecision: (decision: OnboardingDecision) => Promise<void>;
}

/**
 * One applicant's onboarding: both ComplyCube checks concurrently, a durable wait for
 * their results (webhook signal, or polling when the webhook is lost), then an automatic
 * approval or a human review, and the decision recorded in the decision store.
 */
export async function onboardingWorkflow(rawInput: unknown): Promise<OnboardingDecision> {
  const { request, policy } = parseOnboardingInput(rawInput);
  const info = workflowInfo();
  const startedAt = new Date(info.runStartTime).toISOString();
  const state = initialState(request, policy, { workflowId: info.workflowId, runId: info.runId, startedAt });
  const record = caseRecord(state);
  if (info.typedSearchAttributes.get(onboardingStatusSearchAttribute) !== 'checks_running') {
    record.setStatus('checks_running');
  }
  record.showDetails();
  countStarted();

  setHandler(getStateQuery, () => state, { description: HANDLER_DESCRIPTIONS.getState });
  const notices = listenForCheckNotices(state);
  const desk = openReviewDesk({ state, policy, setStatus: record.setStatus, step: record.step });
  const run: OnboardingRun = {
    ...record,
    state,
    policy,
    request,
    taskQueue: info.taskQueue,
    notices,
    desk,
    recordDecision: decisionRecorder(policy),
  };

  let decision: OnboardingDecision;
  try {
    decision = await decide(run);
  } catch (error) {
    if (!isCancellation(error)) throw error;
    // Cancelled: the applicant withdrew or an operator stopped the case. Record it, then end as cancelled.
    const withdrawn = conclude(state, {
      decision: 'withdrawn',
      decidedByKind: 'system',
      decidedBy: 'system',
      reason: 'withdrawn',
      reviewReasons: state.reviewReasons,
    });
    await CancellationScope.nonCancellable(() => finish(run, withdrawn));
    throw error;
  }
  // Once made, a decision is recorded even if cancellation is requested meanwhile.
  return CancellationScope.nonCancellable(() => finish(run, decision));
}

/** Both checks to their results, then what those results call for: approval or a review. */
async function decide(run: OnboardingRun): Promise<OnboardingDecision> {
  await runChecks(run);
  const verdict = decideFromChecks(CHECK_TYPES.map((type) => run.state.checks[type]));
  if (verdict.kind === 'review') return review(run, verdict.reasons);
  return conclude(run.state, {
    decision: 'approved',
    decidedByKind: 'automatic',
    decidedBy: 'automatic',
    reason: 'all_checks_clear',
    reviewReasons: [],
  });
}

/** Both ComplyCube checks, concurrently, each until it completes, fails or times out. */
async function runChecks({ state, policy, request, taskQueue, notices, step }: OnboardingRun): Promise<void> {
  // Since 0.4.0 ComplyCube calls go to their own, rate-limited task queue (runs before kept theirs).
  const checksQueue = patched(COMPLYCUBE_TASK_QUEUE) ? complyCubeTaskQueue(taskQueue) : undefined;
  await Promise.all(
    CHECK_TYPES.map((type) =>
      runCheck(state.checks[type], {
        request,
        policy,
        workflowId: state.workflowId,
        runId: state.runId,
        notices,
        complyCubeTaskQueue: checksQueue,
        onStep: step,
      }).then(() => recordCheckDuration(state.checks[type], state.startedAt)),
    ),
  );
}

/** A human review: a reviewer's decision, raced against the SLA (escalation) and the expiry (rejection). */
async function review({ state, policy, desk }: OnboardingRun, reasons: string[]): Promise<OnboardingDecision> {
  desk.open(reasons, needsSecondApproval(policy, state.checks));
  const reviewOpenedAt = Date.now();
  log.info('Onboarding awaiting review', { reviewReasons: reasons });
  let decided = await condition(() => desk.final !== undefined, parseDuration(policy.reviewSla), {
    summary: 'review SLA',
  });
  if (!decided) {
    desk.escalate();
    log.warn('Review SLA passed; onboarding escalated');
    decided = await condition(
      () => desk.final !== undefined,
      parseDuration(policy.reviewExpiry) - (Date.now() - reviewOpenedAt),
      { summary: 'review expiry' },
    );
  }
  const final = desk.final;
  if (!decided || !final) {
    return conclude(state, {
      decision: 'rejected',
      decidedByKind: 'system',
      decidedBy: 'system',
      reason: 'review_expired',
      reviewReasons: reasons,
    });
  }
  return conclude(state, {
    decision: final.decision === 'approve' ? 'approved' : 'rejected',
    decidedByKind: 'reviewer',
    decidedBy: final.reviewer,
    reason: final.reason,
    reviewReasons: reasons,
    channel: final.channel,
    ...(final.verified ? { verified: true } : {}),
    ...(final.approvals.length ? { approvals: final.approvals } : {}),
  });
}

/** The decision recorded, shown, counted, and on the desk's trail; then the run waits for its handlers. */
async function finish(run: OnboardingRun, decision: OnboardingDecision): Promise<OnboardingDecision> {
  const { state, desk } = run;
  await run.recordDecision(decision);
  state.decision = decision;
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
      },
    );
  }
  run.step('decided', `${decision.decision} by ${decision.decidedBy}`);
  countDecision(decision);
  log.info('Onboarding decided', { decision: decision.decision, decidedByKind: decision.decidedByKind });
  await desk.settled();
  await condition(allHandlersFinished);
  return decision;
}
