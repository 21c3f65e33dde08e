import {
  ApplicationFailure,
  CancellationScope,
  ActivityFailure,
  allHandlersFinished,
  condition,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  type ActivityOptions,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { OnboardingActivities, CheckSnapshot } from '../../../activities/onboarding-activities';
import { describeZodError, type CheckType } from '../../../complycube/schemas';
import { decideFromChecks } from './decide';
import {
  FINAL_STATUSES,
  checkCompletedSchema,
  checkCompletedSignal,
  getStateQuery,
  onboardingInputSchema,
  onboardingStatusSearchAttribute,
  parseDuration,
  resolvePolicy,
  reviewDecisionSchema,
  reviewDecisionSignal,
  submitReviewUpdate,
  type CheckState,
  type OnboardingDecision,
  type OnboardingPolicy,
  type OnboardingState,
  type OnboardingStatus,
  type ReviewDecision,
  type ReviewEntry,
} from './onboarding-contract';

const CHECK_TYPES: readonly CheckType[] = ['identity_fraud_check', 'enhanced_identity_check'];

/**
 * The defaults release 0.1.0 applied inside the workflow. Runs it started carry no policy, or a
 * partial one, and replaying them needs exactly these values: they never change. Since 0.2.0 the
 * policy is resolved at start (`DEFAULT_POLICY`) and these fill nothing in new runs.
 */
const POLICY_DEFAULTS_OF_0_1_0: OnboardingPolicy = {
  checkTimeout: '24h',
  reviewSla: '24h',
  reviewExpiry: '30d',
  pollInterval: '30s',
  maxPollInterval: '30m',
  callTimeout: '30s',
};

/** Since 0.3.0: a reviewer's decision is recorded by a regular activity, not a local one. */
const RECORD_REVIEWED_DECISION_AS_ACTIVITY = 'record-reviewed-decision-as-activity';

/** Refused review messages kept in the state, newest last; older ones are only counted. */
const REFUSED_REVIEWS_KEPT = 10;

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
    reviews: [],
    refusedReviews: 0,
    ignoredNotices: 0,
  };
  /** Checks whose completion was announced and not yet fetched. */
  const noticed = new Set<string>();
  /** Announcements that arrived before the check's create returned (webhooks can beat it). */
  const earlyNotices = new Set<string>();
  let pendingReview: ReviewDecision | undefined;

  const setStatus = (status: OnboardingStatus) => {
    state.status = status;
    upsertSearchAttributes([{ key: onboardingStatusSearchAttribute, value: status }]);
  };
  if (info.typedSearchAttributes.get(onboardingStatusSearchAttribute) !== 'checks_running') setStatus('checks_running');

  setHandler(getStateQuery, () => state);

  setHandler(checkCompletedSignal, (raw) => {
    const notice = checkCompletedSchema.safeParse(raw);
    if (!notice.success || notice.data.status === 'pending') {
      state.ignoredNotices += 1;
      return;
    }
    const check = CHECK_TYPES.map((type) => state.checks[type]).find((c) => c.checkId === notice.data.checkId);
    if (check && check.status === 'pending') {
      noticed.add(notice.data.checkId);
    } else if (!check && CHECK_TYPES.some((type) => state.checks[type].status === 'creating')) {
      earlyNotices.add(notice.data.checkId);
    } else {
      state.ignoredNotices += 1;
    }
  });

  /** Why a review message would change nothing, or undefined when it can be accepted. */
  const reviewProblem = (raw: unknown): string | undefined => {
    const review = reviewDecisionSchema.safeParse(raw);
    if (!review.success) return `invalid_payload: ${describeZodError(review.error)}`;
    if (pendingReview || FINAL_STATUSES.includes(state.status)) return 'already_decided';
    if (state.status !== 'awaiting_review' && state.status !== 'escalated') return 'review_not_due';
    return undefined;
  };

  const recordReview = (raw: unknown, via: ReviewEntry['via'], rejection: string | undefined) => {
    const fields = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const text = (value: unknown, max: number) => (typeof value === 'string' ? value.slice(0, max) : undefined);
    state.reviews.push({
      at: new Date().toISOString(),
      via,
      accepted: rejection === undefined,
      ...(text(fields.decision, 20) !== undefined ? { decision: text(fields.decision, 20) } : {}),
      ...(text(fields.reviewer, 200) !== undefined ? { reviewer: text(fields.reviewer, 200) } : {}),
      ...(text(fields.reason, 2000) !== undefined ? { reason: text(fields.reason, 2000) } : {}),
      ...(rejection ? { rejection } : {}),
    });
    if (rejection === undefined) return;
    // A stream of bad messages must not grow the state without limit: count them all, keep the last few.
    state.refusedReviews += 1;
    if (state.reviews.filter((entry) => !entry.accepted).length > REFUSED_REVIEWS_KEPT) {
      state.reviews.splice(
        state.reviews.findIndex((entry) => !entry.accepted),
        1,
      );
    }
  };

  setHandler(reviewDecisionSignal, (raw) => {
    const problem = reviewProblem(raw);
    recordReview(raw, 'signal', problem);
    if (!problem) pendingReview = reviewDecisionSchema.parse(raw);
  });

  setHandler(
    submitReviewUpdate,
    async (raw) => {
      recordReview(raw, 'update', undefined);
      pendingReview = reviewDecisionSchema.parse(raw);
      // Answer with the state once the decision is recorded, so the caller sees the outcome.
      await condition(() => state.decision !== undefined);
      return state;
    },
    {
      validator: (raw) => {
        const problem = reviewProblem(raw);
        if (problem) throw new Error(problem);
      },
    },
  );

  const ms = (duration: string) => parseDuration(duration);
  const activityOptions = (scheduleToCloseMs: number): ActivityOptions => ({
    startToCloseTimeout: ms(policy.callTimeout),
    scheduleToCloseTimeout: Math.max(scheduleToCloseMs, ms(policy.callTimeout)),
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
  });
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
  const { recordDecision: recordReviewedDecision } = proxyActivities<OnboardingActivities>(recordDecisionOptions);

  const applySnapshot = (check: CheckState, snapshot: CheckSnapshot) => {
    check.checkId = snapshot.checkId;
    check.status = snapshot.status;
    if (snapshot.outcome) check.outcome = snapshot.outcome;
    check.attentionAnalyses = snapshot.attentionAnalyses;
    if (snapshot.status !== 'pending') check.completedAt = new Date().toISOString();
  };

  const markError = (check: CheckState, error: unknown) => {
    check.status = 'error';
    const cause = error instanceof ActivityFailure ? error.cause : error;
    check.error = cause instanceof ApplicationFailure && cause.type ? cause.type : 'ActivityFailed';
    check.completedAt = new Date().toISOString();
  };

  async function runCheck(type: CheckType): Promise<void> {
    const check = state.checks[type];
    const deadline = Date.now() + ms(policy.checkTimeout);
    const { startCheck } = proxyActivities<OnboardingActivities>(activityOptions(ms(policy.checkTimeout)));
    try {
      applySnapshot(
        check,
        await startCheck({
          type,
          clientId: request.clientId,
          ...(type === 'identity_fraud_check'
            ? { addressId: request.addressId }
            : { documentId: request.documentId, liveVideoId: request.liveVideoId }),
          workflowId: info.workflowId,
          runId: info.runId,
        }),
      );
    } catch (error) {
      if (isCancellation(error)) throw error;
      markError(check, error);
      return;
    }
    const checkId = check.checkId!;
    if (earlyNotices.delete(checkId)) noticed.add(checkId);

    let wait = ms(policy.pollInterval);
    while (check.status === 'pending') {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        check.status = 'timed_out';
        check.completedAt = new Date().toISOString();
        return;
      }
      const announced = await condition(() => noticed.has(checkId), Math.min(wait, remaining));
      noticed.delete(checkId);
      if (!announced) wait = Math.min(wait * 2, ms(policy.maxPollInterval));
      const { fetchCheck } = proxyActivities<OnboardingActivities>(activityOptions(deadline - Date.now()));
      try {
        applySnapshot(check, await fetchCheck(checkId));
      } catch (error) {
        if (isCancellation(error)) throw error;
        markError(check, error);
        return;
      }
    }
  }

  /** The decision record: this run, the checks as they stand, and what was decided, by whom and why. */
  const conclude = (
    outcome: Pick<OnboardingDecision, 'decision' | 'decidedByKind' | 'decidedBy' | 'reason' | 'reviewReasons'>,
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
    await Promise.all(CHECK_TYPES.map((type) => runCheck(type)));
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

    state.reviewReasons = verdict.reasons;
    const reviewOpenedAt = Date.now();
    state.reviewEscalatesAt = new Date(reviewOpenedAt + ms(policy.reviewSla)).toISOString();
    state.reviewExpiresAt = new Date(reviewOpenedAt + ms(policy.reviewExpiry)).toISOString();
    setStatus('awaiting_review');
    log.info('Onboarding awaiting review', { reviewReasons: verdict.reasons });
    let decided = await condition(() => pendingReview !== undefined, ms(policy.reviewSla));
    if (!decided) {
      setStatus('escalated');
      log.warn('Review SLA passed; onboarding escalated');
      decided = await condition(
        () => pendingReview !== undefined,
        ms(policy.reviewExpiry) - (Date.now() - reviewOpenedAt),
      );
    }
    const review = pendingReview;
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
    log.info('Onboarding decided', { decision: decision.decision, decidedByKind: decision.decidedByKind });
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
