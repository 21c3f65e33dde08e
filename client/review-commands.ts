/**
 * The operator CLI's review-desk commands: claim, release, review (Updates, channel `cli`, the
 * reviewer named on the command line), the audit trail, and putting runs that entered review
 * before 0.3.0 on the review queue. A refused attempt is written to the audit trail when the CLI
 * can reach the store (DATABASE_URL), as the API does: it never reaches the workflow.
 */
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { describeZodError } from '../complycube/schemas';
import type { Config } from '../config/config';
import { openDecisionStore } from '../store/decision-store';
import { refusedAttempt } from '../store/review-trail';
import {
  claimCaseUpdate,
  claimRequestSchema,
  onboardingIdFromWorkflowId,
  onboardingStatusSearchAttribute,
  onboardingWorkflowId,
  releaseCaseUpdate,
  REVIEW_STATUSES,
  reviewUpdateSchema,
  submitReviewUpdate,
  syncReviewCaseUpdate,
  WORKFLOW_TYPE,
  type OnboardingState,
  describeRefusal,
  refusalCodeOf,
} from '../workflows/onboarding-contract';
import { RefusedError, UsageError } from './usage';

export interface ReviewCommandContext {
  client: Client;
  config: Config;
  print: (value: unknown) => void;
}

type Attempt = { kind: 'claim' | 'release' | 'decision'; actor: string; decision?: 'approve' | 'reject' };

/** Runs an Update; a refusal by its validator is recorded (when the store is reachable) and reported. */
async function runUpdate(
  { config }: ReviewCommandContext,
  onboardingId: string,
  attempt: Attempt,
  call: () => Promise<OnboardingState>,
): Promise<OnboardingState> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof WorkflowUpdateFailedError)) throw error;
    const refusal = error.cause?.message ?? 'refused';
    let recorded = 'It is not on the audit trail: set DATABASE_URL to record refused attempts from the CLI.';
    if ('databaseUrl' in config.store) {
      const store = await openDecisionStore({ databaseUrl: config.store.databaseUrl, poolMax: 1 });
      try {
        await store.recordReviewAction(
          refusedAttempt({
            ...attempt,
            onboardingId,
            workflowId: onboardingWorkflowId(onboardingId),
            channel: 'cli',
            refusal,
          }),
        );
        recorded = 'It was recorded on the audit trail.';
      } catch {
        recorded = 'The decision store did not answer, so it is not on the audit trail.';
      } finally {
        await store.close();
      }
    }
    const code = refusalCodeOf(refusal) ?? 'refused';
    throw new RefusedError(`The ${attempt.kind} was refused (${code}): ${describeRefusal(refusal)} ${recorded}`);
  }
}

export async function claimCommand(
  context: ReviewCommandContext,
  onboardingId: string,
  reviewer: string | undefined,
  release: boolean,
): Promise<void> {
  const request = claimRequestSchema.safeParse({ reviewer, channel: 'cli' });
  if (!request.success) throw new UsageError(describeZodError(request.error), release ? 'release' : 'claim');
  const handle = context.client.workflow.getHandle(onboardingWorkflowId(onboardingId));
  const state = await runUpdate(
    context,
    onboardingId,
    { kind: release ? 'release' : 'claim', actor: request.data.reviewer },
    () => handle.executeUpdate(release ? releaseCaseUpdate : claimCaseUpdate, { args: [request.data] }),
  );
  context.print({ status: state.status, claim: state.claim ?? null });
}

export async function reviewCommand(
  context: ReviewCommandContext,
  onboardingId: string,
  values: { decision?: string; reason?: string; reviewer?: string },
): Promise<void> {
  const review = reviewUpdateSchema.safeParse({ ...values, channel: 'cli' });
  if (!review.success) throw new UsageError(describeZodError(review.error), 'review');
  const handle = context.client.workflow.getHandle(onboardingWorkflowId(onboardingId));
  const state = await runUpdate(
    context,
    onboardingId,
    { kind: 'decision', actor: review.data.reviewer, decision: review.data.decision },
    () => handle.executeUpdate(submitReviewUpdate, { args: [review.data] }),
  );
  context.print({ status: state.status, firstApproval: state.firstApproval ?? null, decision: state.decision ?? null });
}

/** The audit trail of one onboarding, from the store. */
export async function auditCommand(context: ReviewCommandContext, onboardingId: string): Promise<void> {
  if (!('databaseUrl' in context.config.store)) {
    throw new UsageError(
      'audit reads the decision store: set DATABASE_URL (the embedded store of npm start is read through the API: GET /v1/onboardings/:id/audit).',
      'audit',
    );
  }
  const store = await openDecisionStore({ databaseUrl: context.config.store.databaseUrl, poolMax: 1 });
  try {
    for (const action of await store.reviewActionsFor(onboardingId)) {
      console.log(
        [
          action.at,
          action.kind,
          action.actor,
          `${action.channel}${action.authenticated ? '' : ' (name asserted)'}`,
          action.decision ?? '-',
          action.refusal ?? action.reason ?? '-',
        ].join('\t'),
      );
    }
  } finally {
    await store.close();
  }
}

/**
 * Writes every running case in review to the review queue (the `syncReviewCase` Update), for runs
 * that entered review before the queue existed. Safe to repeat: each write replaces the case's row.
 */
export async function syncReviewQueueCommand({ client }: ReviewCommandContext): Promise<void> {
  const statuses = REVIEW_STATUSES.map((status) => `'${status}'`).join(', ');
  const query = `WorkflowType = '${WORKFLOW_TYPE}' AND ExecutionStatus = 'Running' AND ${onboardingStatusSearchAttribute.name} IN (${statuses})`;
  let synced = 0;
  let skipped = 0;
  for await (const execution of client.workflow.list({ query })) {
    const id = onboardingIdFromWorkflowId(execution.workflowId) ?? execution.workflowId;
    try {
      await client.workflow.getHandle(execution.workflowId).executeUpdate(syncReviewCaseUpdate, { args: [] });
      synced += 1;
    } catch (error) {
      // Decided since the listing, or a run whose build has no such Update (not yet upgraded).
      skipped += 1;
      console.error(
        `${id}: not synced (${error instanceof WorkflowUpdateFailedError ? (error.cause?.message ?? 'refused') : String(error)})`,
      );
    }
  }
  console.log(`${synced} case(s) written to the review queue${skipped ? `, ${skipped} skipped` : ''}`);
}
