/**
 * What the review desk writes outside the workflow: rows of the audit trail and versions of the
 * case in the review queue (`docs/console.md`). Workflow code: deterministic, no Node.
 */
import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { OnboardingActivities } from '../../../../activities/onboarding-activities';
import { parseDuration, type OnboardingPolicy, type OnboardingState, type ReviewAction } from './onboarding-contract';

/** An audit row as the desk describes it; the writer adds its ID, the run and the time. */
export type AuditEntry = Omit<ReviewAction, 'id' | 'onboardingId' | 'workflowId' | 'runId' | 'at'>;

export interface ReviewWrites {
  /** Writes one row of the audit trail. */
  audit(action: AuditEntry): Promise<void>;
  /** Writes the case as it stands to the review queue, after every earlier version. */
  syncQueue(): Promise<void>;
  /** Everything written so far has been written. */
  settled(): Promise<void>;
}

/**
 * Writes never fail the handler or the run: the activities retry until they succeed, and only a
 * cancellation (the onboarding withdrawn) stops one, when the withdrawal is what is recorded.
 */
export function reviewWrites(state: OnboardingState, policy: OnboardingPolicy): ReviewWrites {
  const storeWrite: ActivityOptions = {
    startToCloseTimeout: parseDuration(policy.callTimeout),
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
  };
  const { recordReviewAction: recordAction } = proxyActivities<OnboardingActivities>(storeWrite);
  const { syncReviewCase } = proxyActivities<OnboardingActivities>({
    ...storeWrite,
    summary: 'update the review queue',
  });
  /** Each audit row's activity says what it records, in the Temporal UI's timeline. */
  const recordReviewAction = (action: ReviewAction) =>
    recordAction.executeWithOptions({ ...storeWrite, summary: `audit trail: ${action.kind.replace('_', ' ')}` }, [
      action,
    ]);
  let actionSeq = 0;
  let caseVersion = 0;
  /** Queue rows go out one after another, so they arrive in order (the store also keeps the newest). */
  let queueWrites: Promise<void> = Promise.resolve();
  const writes: Promise<void>[] = [];

  const audit = (action: AuditEntry) => {
    actionSeq += 1;
    const written = recordReviewAction({
      id: `${state.runId}:${actionSeq}`,
      onboardingId: state.onboardingId,
      workflowId: state.workflowId,
      runId: state.runId,
      at: new Date().toISOString(),
      ...action,
    }).catch(() => undefined);
    writes.push(written);
    return written;
  };

  const syncQueue = () => {
    caseVersion += 1;
    const snapshot = {
      onboardingId: state.onboardingId,
      workflowId: state.workflowId,
      runId: state.runId,
      status: state.status,
      reasons: state.reviewReasons,
      openedAt: state.reviewOpenedAt ?? state.startedAt,
      slaDueAt: state.reviewEscalatesAt ?? state.startedAt,
      expiresAt: state.reviewExpiresAt ?? state.startedAt,
      ...(state.claim ? { claim: state.claim } : {}),
      ...(state.firstApproval ? { firstApproval: state.firstApproval } : {}),
      secondApprovalRequired: state.secondApprovalRequired ?? false,
      version: caseVersion,
    };
    const written = queueWrites.then(() => syncReviewCase(snapshot)).catch(() => undefined);
    queueWrites = written;
    writes.push(written);
    return written;
  };

  return {
    audit,
    syncQueue,
    async settled() {
      await Promise.all(writes);
    },
  };
}
