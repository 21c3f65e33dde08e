import {
  CancellationScope,
  condition,
  isCancellation,
  log,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { CHECK_TYPES, runCheck } from './checks';
import { caseRecord } from './case-record';
import { listenForCheckNotices } from './check-notices';
import { decideFromChecks } from './decide';
import { conclude, decisionRecorder } from './decision-recording';
import { finish, type OnboardingRun } from './finish';
import { countStarted, recordCheckDuration } from './metrics';
import { initialState, parseOnboardingInput } from './onboarding-input';
import {
  HANDLER_DESCRIPTIONS,
  complyCubeTaskQueue,
  getStateQuery,
  onboardingStatusSearchAttribute,
  parseDuration,
  type CheckState,
  type OnboardingDecision,
  type OnboardingState,
  type ResubmissionRequest,
} from './onboarding-contract';
import { eventEmitter } from './outbound-events';
import { CHECKS_FED_BY_RESUBMISSION, handleResubmissions, resubmittedRequest } from './resubmission';
import { openReviewDesk, type ReviewDesk } from './review-desk';
import { needsSecondApproval } from './review-rules';
import type { CheckType } from '../complycube/primitives';

/** ComplyCube activities on their own task queue, whose dispatch rate Temporal caps fleet-wide. */
const COMPLYCUBE_TASK_QUEUE = 'complycube-task-queue';

/** A check still under way: the round is not over while one is. */
const running = (check: CheckState) => check.status === 'creating' || check.status === 'pending';

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
  const events = eventEmitter(state);
  const resubmissions = handleResubmissions(state, record);
  const run: OnboardingRun = {
    ...record,
    state,
    policy,
    request,
    taskQueue: info.taskQueue,
    notices,
    desk,
    events,
    resubmissions,
    recordDecision: decisionRecorder(policy),
  };
  events.emit('onboarding.started', { status: state.status });

  let decision: OnboardingDecision;
  try {
    decision = await decide(run);
  } catch (error) {
    if (!isCancellation(error)) throw error;
    // Cancelled: the applicant withdrew or an operator stopped the case. Record it, then end as cancelled.
    delete state.resubmission;
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

/**
 * Both checks to their results, then what those results call for: approval or a review; and after
 * each resubmission a reviewer asks for, the checks it feeds again, and the same choice.
 */
async function decide(run: OnboardingRun): Promise<OnboardingDecision> {
  await runChecks(run, CHECK_TYPES);
  for (;;) {
    const verdict = decideFromChecks(CHECK_TYPES.map((type) => run.state.checks[type]));
    if (verdict.kind === 'approve') {
      return conclude(run.state, {
        decision: 'approved',
        decidedByKind: 'automatic',
        decidedBy: 'automatic',
        reason: 'all_checks_clear',
        reviewReasons: [],
      });
    }
    const outcome = await review(run, verdict.reasons);
    if (outcome.kind === 'decided') return outcome.decision;
    const answered = await resubmission(run, outcome.request);
    if (!answered) {
      return conclude(run.state, {
        decision: 'expired',
        decidedByKind: 'system',
        decidedBy: 'system',
        reason: 'resubmission_expired',
        reviewReasons: verdict.reasons,
      });
    }
    await runChecks(run, CHECKS_FED_BY_RESUBMISSION);
  }
}

/** The given ComplyCube checks, concurrently, each until it completes, fails or times out. */
async function runChecks(run: OnboardingRun, types: readonly CheckType[]): Promise<void> {
  const { state, policy, request, taskQueue, notices, step, events } = run;
  // A check run again after a resubmission is timed from then, not from the onboarding's start.
  const since = state.supersededChecks?.length ? new Date().toISOString() : state.startedAt;
  // Since 0.4.0 ComplyCube calls go to their own, rate-limited task queue (runs before kept theirs).
  const checksQueue = patched(COMPLYCUBE_TASK_QUEUE) ? complyCubeTaskQueue(taskQueue) : undefined;
  await Promise.all(
    types.map((type) =>
      runCheck(state.checks[type], {
        request,
        policy,
        workflowId: state.workflowId,
        runId: state.runId,
        notices,
        complyCubeTaskQueue: checksQueue,
        onStep: step,
        supersedes: (state.supersededChecks ?? []).flatMap((c) => (c.type === type && c.checkId ? [c.checkId] : [])),
      }).then(() => {
        const check = state.checks[type];
        recordCheckDuration(check, since);
        const data = {
          checkType: type,
          checkId: check.checkId ?? null,
          status: check.status,
          outcome: check.outcome ?? null,
        };
        // The round's last check: its event goes with what follows (the decision's write, or the review's event).
        if (!types.some((t) => running(state.checks[t]))) events.hold('check.completed', data);
        else events.emit('check.completed', data, { local: true });
      }),
    ),
  );
}

/** A round of review ends in a decision, or in a resubmission request. */
type ReviewOutcome =
  { kind: 'decided'; decision: OnboardingDecision } | { kind: 'resubmission'; request: ResubmissionRequest };

/**
 * The applicant's resubmission, awaited until the request's deadline (taking it starts the checks
 * it feeds afresh: `resubmission.ts`); false when the deadline passed.
 */
async function resubmission(run: OnboardingRun, request: ResubmissionRequest): Promise<boolean> {
  const { state, events, resubmissions } = run;
  events.emit('onboarding.resubmission_requested', {
    items: request.items,
    reasonCodes: request.reasonCodes,
    round: request.round,
    dueAt: request.dueAt,
  });
  log.info('Onboarding awaiting resubmission', { items: request.items, round: request.round });
  const answer = await resubmissions.awaitAnswer(request);
  if (!answer) {
    delete state.resubmission;
    return false;
  }
  run.request = resubmittedRequest(run.request, answer);
  return true;
}

/** A human review: a reviewer's decision, raced against the SLA (escalation) and the expiry (rejection). */
async function review(run: OnboardingRun, reasons: string[]): Promise<ReviewOutcome> {
  const { state, policy, desk, events } = run;
  desk.open(reasons, needsSecondApproval(policy, state.checks));
  events.emit('onboarding.review_required', {
    reasons,
    reviewEscalatesAt: state.reviewEscalatesAt ?? null,
    reviewExpiresAt: state.reviewExpiresAt ?? null,
  });
  const reviewOpenedAt = Date.now();
  log.info('Onboarding awaiting review', { reviewReasons: reasons });
  const ended = () => desk.final !== undefined || desk.resubmission !== undefined;
  let decided = await condition(ended, parseDuration(policy.reviewSla), { summary: 'review SLA' });
  if (!decided) {
    desk.escalate();
    log.warn('Review SLA passed; onboarding escalated');
    decided = await condition(ended, parseDuration(policy.reviewExpiry) - (Date.now() - reviewOpenedAt), {
      summary: 'review expiry',
    });
  }
  desk.close();
  const requested = desk.takeResubmission();
  if (requested) return { kind: 'resubmission', request: requested };
  return { kind: 'decided', decision: reviewDecision(state, desk, decided, reasons) };
}

/** The decision that ends a review: the reviewer's, or the expiry's rejection. */
function reviewDecision(state: OnboardingState, desk: ReviewDesk, decided: boolean, reasons: string[]) {
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
    ...(final.reasonCodes ? { reasonCodes: final.reasonCodes } : {}),
  });
}
