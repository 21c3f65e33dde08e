/**
 * One onboarding as `GET /v1/onboardings/:id` answers it: the run's own state from its `getState`
 * query; the store's decision once Temporal has forgotten the run or it has ended; and, while the
 * run is open but no worker can answer its query (every worker restarting, or none yet holding the
 * run), a partial view from Temporal's visibility (the OnboardingStatus search attribute) and the
 * review queue. Only when Temporal itself cannot be reached is the answer 503.
 */
import type { WorkflowExecutionDescription } from '@temporalio/client';
import { onboardingStatusSchema, onboardingStatusSearchAttribute } from '../workflows/onboarding-contract';
import { onboardingLinks, presentState, readRun, type ApiContext } from './context';
import { HttpError } from './errors';
import type { AnyOnboardingView } from './schemas/onboarding';

export const PARTIAL_VIEW_MESSAGE =
  'A partial view: the onboarding could not answer its state query in time (no worker holds it yet, e.g. ' +
  "during a restart). Its status is from Temporal's visibility, its review from the review queue; " +
  'ask again shortly for the full view.';

export async function onboardingView(context: ApiContext, onboardingId: string): Promise<AnyOnboardingView> {
  const run = await readRun(context, onboardingId);
  if (run.kind === 'state') return presentState(run.state);
  if (run.kind === 'unanswered') return partialView(context, onboardingId, run.description);
  // Forgotten by Temporal, or ended with no worker up to replay it for the query: the record.
  const [latest] = await context.store.decisionsFor(onboardingId);
  if (!latest) throw new HttpError(404, 'onboarding_not_found', 'No onboarding with this ID');
  return {
    onboardingId,
    workflowId: latest.workflowId,
    runId: latest.runId,
    status: latest.decision,
    startedAt: latest.startedAt,
    checks: latest.checks,
    reviewReasons: latest.reviewReasons,
    decision: latest,
    links: onboardingLinks(onboardingId),
  };
}

async function partialView(
  context: ApiContext,
  onboardingId: string,
  description: WorkflowExecutionDescription,
): Promise<AnyOnboardingView> {
  // The review queue's row, if this run has one; without the store the view is only thinner.
  const reviewCase = await context.store.reviewCaseFor(onboardingId).catch(() => undefined);
  const review = reviewCase?.runId === description.runId ? reviewCase : undefined;
  const status = onboardingStatusSchema.safeParse(
    description.typedSearchAttributes.get(onboardingStatusSearchAttribute),
  );
  const now = Date.now();
  return {
    onboardingId,
    workflowId: description.workflowId,
    runId: description.runId,
    status: status.success ? status.data : 'checks_running',
    startedAt: description.startTime.toISOString(),
    partial: true,
    message: PARTIAL_VIEW_MESSAGE,
    ...(review
      ? {
          reviewReasons: review.reasons,
          reviewOpenedAt: review.openedAt,
          reviewEscalatesAt: review.slaDueAt,
          reviewExpiresAt: review.expiresAt,
          secondApprovalRequired: review.secondApprovalRequired,
          ...(review.claim && Date.parse(review.claim.expiresAt) > now ? { claim: review.claim } : {}),
          ...(review.firstApproval ? { firstApproval: review.firstApproval } : {}),
        }
      : {}),
    links: onboardingLinks(onboardingId),
  };
}
