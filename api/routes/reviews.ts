/**
 * A reviewer's decision, as the workflow's validated Update. Answered as soon as the workflow has
 * accepted it: 200 with the decided state once it is recorded, or 202 if recording takes longer;
 * an accepted decision is never reported as a failure. A retry with the same Idempotency-Key is
 * the same Update to Temporal (its ID comes from the key), so it gets the first one's outcome.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError, WorkflowUpdateStage, type WorkflowUpdateHandle } from '@temporalio/client';
import type { FastifyBaseLogger } from 'fastify';
import type { z } from 'zod';
import {
  assertedReviewReason,
  onboardingWorkflowId,
  submitReviewUpdate,
  type OnboardingState,
} from '../../workflows/onboarding-contract';
import { DECIDING_ROLES, type Principal } from '../auth';
import { onboardingLinks, presentState, type ApiContext } from '../context';
import { grpcCodeOf } from '../errors';
import { derivedId, idempotencyKeyOf, idempotent, type Answer } from '../idempotency';
import { endedRunError, recordRefusal, refusalError, refusalsDescribed } from '../refusals';
import { assertionFor } from '../review-assertion';
import { protectedText } from '../protected-text';
import { AUTH_ERRORS, errors, idempotencyHeaders, onboardingIdParams, UNAVAILABLE } from '../schemas/common';
import { onboardingViewSchema } from '../schemas/onboarding';
import { decisionRecordingSchema, reviewBodySchema } from '../schemas/review';
import type { RouteGroup } from './plugin';
const ROUTE = 'POST /v1/onboardings/:onboardingId/review';
/** How long an accepted review waits for its decision to be recorded before answering 202. */
const RECORDING_WAIT_MS = 5_000;

const schema = {
  summary:
    "Submit a review decision, or ask the applicant to resubmit (reviewer token; the reviewer is the token's owner)",
  params: onboardingIdParams,
  headers: idempotencyHeaders,
  body: reviewBodySchema,
  response: {
    200: onboardingViewSchema.meta({ description: 'Accepted: the decided onboarding (or its first approval)' }),
    202: decisionRecordingSchema.meta({ description: 'Accepted: the decision is being recorded; follow links.self' }),
    ...errors({
      400: 'Invalid body, or invalid_idempotency_key',
      ...AUTH_ERRORS,
      404: 'Unknown onboarding',
      409: refusalsDescribed(
        [
          'review_not_due',
          'already_decided',
          'claimed_by_other',
          'second_approval_by_same_reviewer',
          'second_approver_role_required',
          'resubmission_rounds_exhausted',
          'assertion_invalid',
          'invalid_payload',
        ],
        ['idempotency_key_in_progress: a request with this Idempotency-Key is in progress'],
      ),
      422: 'idempotency_key_reused: the key was used for another request',
      503: `${UNAVAILABLE}, or review_keys_missing (a retry with the same Idempotency-Key is the same decision)`,
    }),
  },
};

export const reviewRoutes: RouteGroup = async (app, { context }) => {
  app.post(
    '/v1/onboardings/:onboardingId/review',
    { onRequest: context.requireRole(...DECIDING_ROLES), schema },
    async (request, reply) => {
      const { onboardingId } = request.params;
      const principal = request.principal!;
      const key = idempotencyKeyOf(request);
      const updateId = key ? derivedId('review', ROUTE, request, key) : randomUUID();
      const review: Review = { onboardingId, body: request.body, principal, updateId };
      return idempotent(context, request, reply, ROUTE, { onboardingId, ...request.body }, () =>
        submitReview(context, review, request.log),
      );
    },
  );
};

/** One reviewer's decision on one onboarding, with the Update ID that makes its retries one. */
interface Review {
  onboardingId: string;
  body: z.infer<typeof reviewBodySchema>;
  principal: Principal;
  updateId: string;
}

/** Sends the review as the workflow's Update and answers once it is accepted (and, if soon, recorded). */
async function submitReview(context: ApiContext, review: Review, log: FastifyBaseLogger): Promise<Answer> {
  const { temporal, withDeadline } = context;
  const { onboardingId, principal, updateId } = review;
  const { name: reviewer, channel } = principal;
  // The reason goes to Temporal and the store as a reference to its text, encrypted with the
  // client's data key, so that erasing the client makes it unreadable everywhere.
  const body = { ...review.body, reason: await protectedText(context, onboardingId, review.body.reason) };
  const handle = temporal.workflow.getHandle(onboardingWorkflowId(onboardingId));
  const assertion = await assertionFor(context, principal, {
    onboardingId,
    action: 'decide',
    updateId,
    decision: body.decision,
    reason: assertedReviewReason(body.reason, body.resubmission, body.reasonCodes),
  });
  let update: WorkflowUpdateHandle<OnboardingState>;
  try {
    update = await withDeadline(() =>
      handle.startUpdate(submitReviewUpdate, {
        args: [{ ...body, reviewer, channel, assertion }],
        waitForStage: WorkflowUpdateStage.ACCEPTED,
        updateId,
      }),
    );
  } catch (error) {
    throw await refusal(context, error, review);
  }
  // Accepted or refused by now: a refusal is the outcome at once; an acceptance runs on to the record.
  try {
    const state = await temporal.connection.withDeadline(Date.now() + RECORDING_WAIT_MS, () => update.result());
    context.metrics.review('decision', 'accepted', channel);
    log.info({ onboardingId, decision: body.decision, reviewer }, 'Review accepted');
    return { statusCode: 200, body: presentState(state) };
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) throw await refusal(context, error, review);
    // Accepted, so decided: the record is on its way (a slow store), or Temporal went away meanwhile.
    log.warn({ onboardingId, grpcCode: grpcCodeOf(error) }, 'Review accepted; decision still recording');
    return {
      statusCode: 202,
      body: {
        onboardingId,
        status: 'decision_recording',
        message: 'The review was accepted; the decision is being recorded. Follow the link.',
        links: onboardingLinks(onboardingId),
      },
    };
  }
}

/** Why the workflow did not take a review: an HttpError to answer with, or the error as it came. */
async function refusal(context: ApiContext, error: unknown, review: Review): Promise<unknown> {
  const { onboardingId } = review;
  const { name: reviewer, channel } = review.principal;
  if (error instanceof WorkflowUpdateFailedError) {
    const reason = error.cause?.message ?? 'refused';
    await recordRefusal(context, {
      onboardingId,
      kind: 'decision',
      actor: reviewer,
      channel,
      refusal: reason,
      decision: review.body.decision,
    });
    return refusalError(context, onboardingId, reason);
  }
  return (await endedRunError(context, onboardingId, error)) ?? error;
}
