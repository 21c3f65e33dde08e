/**
 * One ComplyCube check through its life in the workflow: created once, then its completion awaited
 * (a webhook, forwarded as a signal) or polled for with back-off, until it completes, fails, or
 * passes the policy's check timeout. Workflow code: deterministic, no Node.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  isCancellation,
  proxyActivities,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { CheckSnapshot, OnboardingActivities } from '../../../../activities/onboarding-activities';
import type { CheckType } from '../../../../complycube/primitives';
import { parseDuration, type CheckState, type OnboardingPolicy, type OnboardingRequest } from './onboarding-contract';

export const CHECK_TYPES: readonly CheckType[] = ['identity_fraud_check', 'enhanced_identity_check'];

const CHECK_NAMES: Record<CheckType, string> = {
  identity_fraud_check: 'identity fraud check',
  enhanced_identity_check: 'enhanced identity check',
};

/** Completion notices, shared by the signal handler and the checks. */
export interface Notices {
  /** Checks whose completion was announced and not yet fetched. */
  noticed: Set<string>;
  /** Announcements that arrived before the check's create returned (webhooks can beat it). */
  early: Set<string>;
}

export interface CheckRunnerContext {
  request: OnboardingRequest;
  policy: OnboardingPolicy;
  workflowId: string;
  runId: string;
  notices: Notices;
  /** Where the ComplyCube activities run (the rate-limited queue); the workflow's own when absent (runs before 0.4.0). */
  complyCubeTaskQueue: string | undefined;
  /** This run's earlier checks of the type, replaced by a resubmission: never to be taken for the new one. */
  supersedes?: string[];
  /** Something worth a line on the case's timeline happened. */
  onStep: (kind: 'check_created' | 'check_completed' | 'webhook' | 'poll', detail: string) => void;
}

const ms = parseDuration;

function activityOptions(
  { policy, complyCubeTaskQueue }: CheckRunnerContext,
  scheduleToCloseMs: number,
  summary: string,
): ActivityOptions {
  return {
    ...(complyCubeTaskQueue ? { taskQueue: complyCubeTaskQueue } : {}),
    startToCloseTimeout: ms(policy.callTimeout),
    scheduleToCloseTimeout: Math.max(scheduleToCloseMs, ms(policy.callTimeout)),
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
    summary,
  };
}

function applySnapshot(check: CheckState, snapshot: CheckSnapshot) {
  check.checkId = snapshot.checkId;
  check.status = snapshot.status;
  if (snapshot.outcome) check.outcome = snapshot.outcome;
  check.attentionAnalyses = snapshot.attentionAnalyses;
  if (snapshot.status !== 'pending') check.completedAt = new Date().toISOString();
}

function markError(check: CheckState, error: unknown) {
  check.status = 'error';
  const cause = error instanceof ActivityFailure ? error.cause : error;
  check.error = cause instanceof ApplicationFailure && cause.type ? cause.type : 'ActivityFailed';
  const detail = cause instanceof ApplicationFailure ? complyCubeAnswer(cause.details?.[0]) : undefined;
  if (detail) check.errorDetail = detail;
  check.completedAt = new Date().toISOString();
}

/**
 * ComplyCube's answer behind a failed call, for the reviewer (since 0.9.0): its status, error type
 * and the parameter it named, e.g. `422 image_unreadable (documentId)`. Codes only, never its message.
 */
function complyCubeAnswer(details: unknown): string | undefined {
  if (typeof details !== 'object' || details === null) return undefined;
  const { httpStatus, complyCubeType, param } = details as Record<string, unknown>;
  const code = (value: unknown) => (typeof value === 'string' && /^[\w.-]{1,64}$/.test(value) ? value : undefined);
  if (typeof httpStatus !== 'number') return undefined;
  const type = code(complyCubeType);
  const named = code(param);
  return `${httpStatus}${type ? ` ${type}` : ''}${named ? ` (${named})` : ''}`;
}

/** Runs `check` (this run's state of it) to its end: complete, failed, timed out, or in error. */
export async function runCheck(check: CheckState, context: CheckRunnerContext): Promise<void> {
  const { policy, request, notices } = context;
  const name = CHECK_NAMES[check.type];
  const deadline = Date.now() + ms(policy.checkTimeout);
  const { startCheck } = proxyActivities<OnboardingActivities>(
    activityOptions(context, ms(policy.checkTimeout), `create ${name}`),
  );
  try {
    applySnapshot(
      check,
      await startCheck({
        type: check.type,
        clientId: request.clientId,
        ...(check.type === 'identity_fraud_check'
          ? { addressId: request.addressId }
          : { documentId: request.documentId, liveVideoId: request.liveVideoId }),
        workflowId: context.workflowId,
        runId: context.runId,
        ...(context.supersedes?.length ? { supersedes: context.supersedes } : {}),
      }),
    );
  } catch (error) {
    if (isCancellation(error)) throw error;
    markError(check, error);
    context.onStep('check_completed', `${check.type} error ${check.error}`);
    return;
  }
  const checkId = check.checkId!;
  context.onStep('check_created', `${check.type} ${checkId}`);
  if (notices.early.delete(checkId)) notices.noticed.add(checkId);

  let wait = ms(policy.pollInterval);
  while (check.status === 'pending') {
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      check.status = 'timed_out';
      check.completedAt = new Date().toISOString();
      context.onStep('check_completed', `${check.type} timed_out`);
      return;
    }
    const announced = await condition(() => notices.noticed.has(checkId), Math.min(wait, remaining), {
      summary: `wait for the ${name}'s webhook`,
    });
    notices.noticed.delete(checkId);
    if (!announced) wait = Math.min(wait * 2, ms(policy.maxPollInterval));
    context.onStep(announced ? 'webhook' : 'poll', check.type);
    const { fetchCheck } = proxyActivities<OnboardingActivities>(
      activityOptions(context, deadline - Date.now(), `${announced ? 'read' : 'poll'} ${name}`),
    );
    try {
      applySnapshot(check, await fetchCheck(checkId));
    } catch (error) {
      if (isCancellation(error)) throw error;
      markError(check, error);
      context.onStep('check_completed', `${check.type} error ${check.error}`);
      return;
    }
  }
  context.onStep('check_completed', `${check.type} ${check.status}${check.outcome ? ` ${check.outcome}` : ''}`);
}
