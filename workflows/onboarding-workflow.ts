import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { OnboardingActivities } from '../activities/onboarding-activities';
import { describeZodError } from '../complycube/primitives';
import { CHECK_TYPES, runCheck, type Notices } from './checks';
import { renderCurrentDetails } from './current-details';
import { decideFromChecks } from './decide';
import { countDecision, countStarted, recordCheckDuration } from './metrics';
import {
  HANDLER_DESCRIPTIONS,
  checkCompletedSchema,
  complyCubeTaskQueue,
  checkCompletedSignal,
  getStateQuery,
  onboardingInputSchema,
  onboardingStatusSearchAttribute,
  parseDuration,
  resolvePolicy,
  type OnboardingDecision,
  type OnboardingPolicy,
  type OnboardingState,
  type OnboardingStatus,
  type TimelineEntry,
} from './onboarding-contract';
import { openReviewDesk } from './review-desk';

/**
 * The defaults release 0.1.0 applied inside the workflow. Runs it started carry no policy, or a
 * partial one (as do 0.2.0's, without the review desk's fields), and replaying them needs exactly
 * these values: they never change. Since 0.2.0 the policy is resolved at start (`DEFAULT_POLICY`)
 * and these fill nothing in new runs. No second approval and signals accepted: how those runs
 * decided.
 */
const POLICY_DEFAULTS_OF_0_1_0: OnboardingPolicy = {
  checkTimeout: '24h',
  reviewSla: '24h',
  reviewExpiry: '30d',
  pollInterval: '30s',
  maxPollInterval: '30m',
  callTimeout: '30s',
  secondApproval: 'never',
  signalDecisions: 'accepted',
  claimLease: '15m',
};

/** Since 0.3.0: a reviewer's decision is recorded by a regular activity, not a local one. */
const RECORD_REVIEWED_DECISION_AS_ACTIVITY = 'record-reviewed-decision-as-activity';
/** ComplyCube activities on their own task queue, whose dispatch rate Temporal caps fleet-wide. */
const COMPLYCUBE_TASK_QUEUE = 'complycube-task-queue';

/** Timeline entries kept; past it, the oldest polls and webhooks go first. */
const TIMELINE_KEPT = 60;

/**
 * One applicant's onboarding: both ComplyCube checks concurrently, a durable wait for
 * their results (webhook signal, or polling when the webhook is lost), then an automatic
 * approval or a human review, and the decision recorded in the decision store.
 */
export async function onboardingWorkflow(rawInput: unknown): Promise<OnboardingDecision> {
  const parsed = onboardingInputSchema.safeParse(rawInput);
  if (!parsed.success) {
    throw ApplicationFailure.nonRetryable(
      `invalid onboarding input: ${describeZodError(parsed.error)}`,
      'InvalidOnboardingInput',
    );
  }
  const { policy: policyInput, ...request } = parsed.data;
  const resolved = resolvePolicy(POLICY_DEFAULTS_OF_0_1_0, policyInput);
  if (!resolved.success) {
    throw ApplicationFailure.nonRetryable(
      `invalid onboarding input: ${describeZodError(resolved.error)}`,
      'InvalidOnboardingInput',
    );
  }
  const policy = resolved.data;
  const info = workflowInfo();
  const startedAt = new Date(info.runStartTime).toISOString();
  const ms = (duration: string) => parseDuration(duration);

  const state: OnboardingState = {
    onboardingId: request.clientId,
    workflowId: info.workflowId,
    runId: info.runId,
    status: 'checks_running',
    startedAt,
    checks: {
      identity_fraud_check: { type: 'identity_fraud_check', status: 'creating', attentionAnalyses: [] },
      enhanced_identity_check: { type: 'enhanced_identity_check', status: 'creating', attentionAnalyses: [] },
    },
    policy,
    reviewReasons: [],
    timeline: [{ at: startedAt, kind: 'started' }],
    reviews: [],
    refusedReviews: 0,
    ignoredNotices: 0,
  };
  const notices: Notices = { noticed: new Set(), early: new Set() };

  const showDetails = () => setCurrentDetails(renderCurrentDetails(state));
  const step = (kind: TimelineEntry['kind'], detail?: string) => {
    const timeline = (state.timeline ??= []);
    timeline.push({ at: new Date().toISOString(), kind, ...(detail ? { detail } : {}) });
    if (timeline.length > TIMELINE_KEPT) {
      const routine = timeline.findIndex((entry) => entry.kind === 'poll' || entry.kind === 'webhook');
      timeline.splice(routine >= 0 ? routine : 1, 1);
    }
    showDetails();
  };
  const setStatus = (status: OnboardingStatus) => {
    state.status = status;
    upsertSearchAttributes([{ key: onboardingStatusSearchAttribute, value: status }]);
    showDetails();
  };
  if (info.typedSearchAttributes.get(onboardingStatusSearchAttribute) !== 'checks_running') setStatus('checks_running');
  showDetails();
  countStarted();

  setHandler(getStateQuery, () => state, { description: HANDLER_DESCRIPTIONS.getState });

  setHandler(
    checkCompletedSignal,
    (raw) => {
      const notice = checkCompletedSchema.safeParse(raw);
      if (!notice.success || notice.data.status === 'pending') {
        state.ignoredNotices += 1;
        return;
      }
      const check = CHECK_TYPES.map((type) => state.checks[type]).find((c) => c.checkId === notice.data.checkId);
      if (check && check.status === 'pending') {
        notices.noticed.add(notice.data.checkId);
      } else if (!check && CHECK_TYPES.some((type) => state.checks[type].status === 'creating')) {
        notices.early.add(notice.data.checkId);
      } else {
        state.ignoredNotices += 1;
      }
    },
    { description: HANDLER_DESCRIPTIONS.checkCompleted },
  );

  const desk = openReviewDesk({ state, policy, setStatus, step });

  // Writing the decision is a short, idempotent call on the path to every decision: as a local
  // activity it runs inside the workflow task and saves a server round trip. A local activity runs
  // again when its workflow task fails (a signal arriving as it completes does that), so only an
  // idempotent call that costs nothing to repeat may be one: ComplyCube calls stay regular activities.
  const recordDecisionOptions: ActivityOptions = {
    startToCloseTimeout: ms(policy.callTimeout),
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5m' },
  };
  const { recordDecision } = proxyLocalActivities<OnboardingActivities>(recordDecisionOptions);
  // A reviewer's decision is recorded by a regular activity: a local activity holds its workflow
  // task open until it ends, and with it the acceptance of the review Update, so a slow store
  // would keep the reviewer from hearing that the decision was taken (docs/edges.md).
  const { recordDecision: recordReviewedDecision } = proxyActivities<OnboardingActivities>({
    ...recordDecisionOptions,
    summary: 'record the decision',
  });

  /** The decision record: this run, the checks as they stand, and what was decided, by whom and why. */
  const conclude = (
    outcome: Pick<OnboardingDecision, 'decision' | 'decidedByKind' | 'decidedBy' | 'reason' | 'reviewReasons'> &
      Partial<Pick<OnboardingDecision, 'channel' | 'approvals'>>,
  ): OnboardingDecision => ({
    onboardingId: state.onboardingId,
    workflowId: info.workflowId,
    runId: info.runId,
    ...outcome,
    checks: CHECK_TYPES.map((type) => state.checks[type]),
    startedAt,
    decidedAt: new Date().toISOString(),
  });

  const decide = async (): Promise<OnboardingDecision> => {
    // Since 0.4.0 ComplyCube calls go to their own, rate-limited task queue (runs before kept theirs).
    const checksQueue = patched(COMPLYCUBE_TASK_QUEUE) ? complyCubeTaskQueue(info.taskQueue) : undefined;
    await Promise.all(
      CHECK_TYPES.map((type) =>
        runCheck(state.checks[type], {
          request,
          policy,
          workflowId: info.workflowId,
          runId: info.runId,
          notices,
          complyCubeTaskQueue: checksQueue,
          onStep: step,
        }).then(() => recordCheckDuration(state.checks[type], startedAt)),
      ),
    );
    const verdict = decideFromChecks(CHECK_TYPES.map((type) => state.checks[type]));
    if (verdict.kind === 'approve') {
      return conclude({
        decision: 'approved',
        decidedByKind: 'automatic',
        decidedBy: 'automatic',
        reason: 'all_checks_clear',
        reviewReasons: [],
      });
    }

    const fraudAttention = state.checks.identity_fraud_check.outcome === 'attention';
    desk.open(
      verdict.reasons,
      policy.secondApproval === 'any_review' ||
        (policy.secondApproval === 'identity_fraud_attention' && fraudAttention),
    );
    const reviewOpenedAt = Date.now();
    log.info('Onboarding awaiting review', { reviewReasons: verdict.reasons });
    let decided = await condition(() => desk.final !== undefined, ms(policy.reviewSla), { summary: 'review SLA' });
    if (!decided) {
      desk.escalate();
      log.warn('Review SLA passed; onboarding escalated');
      decided = await condition(
        () => desk.final !== undefined,
        ms(policy.reviewExpiry) - (Date.now() - reviewOpenedAt),
        { summary: 'review expiry' },
      );
    }
    const review = desk.final;
    if (!decided || !review) {
      return conclude({
        decision: 'rejected',
        decidedByKind: 'system',
        decidedBy: 'system',
        reason: 'review_expired',
        reviewReasons: verdict.reasons,
      });
    }
    return conclude({
      decision: review.decision === 'approve' ? 'approved' : 'rejected',
      decidedByKind: 'reviewer',
      decidedBy: review.reviewer,
      reason: review.reason,
      reviewReasons: verdict.reasons,
      channel: review.channel,
      ...(review.approvals.length ? { approvals: review.approvals } : {}),
    });
  };

  const finish = async (decision: OnboardingDecision): Promise<OnboardingDecision> => {
    if (decision.decidedByKind === 'reviewer' && patched(RECORD_REVIEWED_DECISION_AS_ACTIVITY)) {
      await recordReviewedDecision(decision);
    } else {
      await recordDecision(decision);
    }
    state.decision = decision;
    setStatus(decision.decision);
    if (state.reviewOpenedAt) {
      // A reviewer's decision goes on the audit trail; any decision takes the case off the queue.
      const review = decision.decidedByKind === 'reviewer' ? desk.final : undefined;
      await desk.recordDecided(
        review && {
          kind: 'decision',
          actor: review.reviewer,
          channel: review.channel,
          authenticated: !review.asserted,
          decision: review.decision,
          reason: review.reason,
        },
      );
    }
    step('decided', `${decision.decision} by ${decision.decidedBy}`);
    countDecision(decision);
    log.info('Onboarding decided', { decision: decision.decision, decidedByKind: decision.decidedByKind });
    await desk.settled();
    await condition(allHandlersFinished);
    return decision;
  };

  let decision: OnboardingDecision;
  try {
    decision = await decide();
  } catch (error) {
    if (!isCancellation(error)) throw error;
    // Cancelled: the applicant withdrew or an operator stopped the case. Record it, then end as cancelled.
    await CancellationScope.nonCancellable(() =>
      finish(
        conclude({
          decision: 'withdrawn',
          decidedByKind: 'system',
          decidedBy: 'system',
          reason: 'withdrawn',
          reviewReasons: state.reviewReasons,
        }),
      ),
    );
    throw error;
  }
  // Once made, a decision is recorded even if cancellation is requested meanwhile.
  return CancellationScope.nonCancellable(() => finish(decision));
}
