/**
 * The onboarding backend's answer to a resubmission request (docs/resubmission.md): the new
 * document and/or live video the applicant gave, as the run's `submitResubmission` Update. The run
 * checks them again at once; the answer is the run's state with its checks running. A retry with
 * the same Idempotency-Key is the same Update, so the check is never created twice.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import {
  onboardingWorkflowId,
  resubmissionSchema,
  resubmissionText,
  submitResubmissionUpdate,
  type Resubmission,
} from '../../workflows/onboarding-contract';
import type { Principal } from '../auth';
import { assertionFor } from '../review-assertion';
import { presentState, type ApiContext } from '../context';
import { derivedId, idempotencyKeyOf, idempotent, type Answer } from '../idempotency';
import { endedRunError, refusalError, refusalsDescribed } from '../refusals';
import { AUTH_ERRORS, errors, idempotencyHeaders, onboardingIdParams, UNAVAILABLE } from '../schemas/common';
import { onboardingViewSchema } from '../schemas/onboarding';
import type { RouteGroup } from './plugin';

const ROUTE = 'POST /v1/onboardings/:onboardingId/resubmissions';

const body = resubmissionSchema.meta({
  description: 'The new ComplyCube objects: documentId for a document asked for, liveVideoId for a live video',
  examples: [{ documentId: '6b2c3d4e5f60718293a4b5c6' }],
});

export const resubmissionRoutes: RouteGroup = async (app, { context }) => {
  app.post(
    '/v1/onboardings/:onboardingId/resubmissions',
    {
      onRequest: context.requireRole('service'),
      schema: {
        summary: 'Gives what a resubmission request asked for; the affected check runs again (service token)',
        params: onboardingIdParams,
        headers: idempotencyHeaders,
        body,
        response: {
          200: onboardingViewSchema.meta({ description: 'Taken: the onboarding, its affected check running again' }),
          ...errors({
            400: 'Invalid body, or invalid_idempotency_key',
            ...AUTH_ERRORS,
            404: 'Unknown onboarding',
            409: refusalsDescribed(
              ['resubmission_not_requested', 'resubmission_mismatch', 'assertion_invalid', 'invalid_payload'],
              ['already_decided: the onboarding has ended', 'idempotency_key_in_progress'],
            ),
            422: 'idempotency_key_reused: the key was used for another request',
            503: `${UNAVAILABLE}, or review_keys_missing (the API cannot vouch for the answer)`,
          }),
        },
      },
    },
    async (request, reply) => {
      const { onboardingId } = request.params;
      const key = idempotencyKeyOf(request);
      const updateId = key ? derivedId('resubmission', ROUTE, request, key) : randomUUID();
      return idempotent(context, request, reply, ROUTE, { onboardingId, ...request.body }, () =>
        resubmit(context, request.principal!, { onboardingId, answer: request.body, updateId }),
      );
    },
  );
};

/**
 * Sends the answer as the run's Update, with the API's assertion that this service token sent
 * these very IDs (the worker checks it: Temporal access alone cannot answer for the backend).
 */
async function resubmit(
  context: ApiContext,
  principal: Principal,
  request: { onboardingId: string; answer: Resubmission; updateId: string },
): Promise<Answer> {
  const { onboardingId, updateId, answer: ids } = request;
  const assertion = await assertionFor(context, principal, {
    onboardingId,
    action: 'resubmit',
    updateId,
    reason: resubmissionText(ids),
  });
  const handle = context.temporal.workflow.getHandle(onboardingWorkflowId(onboardingId));
  try {
    const state = await context.withDeadline(() =>
      handle.executeUpdate(submitResubmissionUpdate, {
        args: [{ ...ids, submittedBy: principal.name, channel: principal.channel, assertion }],
        updateId,
      }),
    );
    return { statusCode: 200, body: presentState(state) };
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) {
      throw await refusalError(context, onboardingId, error.cause?.message ?? 'resubmission_not_requested');
    }
    throw (await endedRunError(context, onboardingId, error)) ?? error;
  }
}
