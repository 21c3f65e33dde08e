/**
 * Internal notes on a case (docs/reviewer-view.md): a reviewer's words for the other reviewers and
 * the record, never for the applicant or the backend. A `note` row on the audit trail and its
 * ledger entry, written by the API alone: a note changes nothing in the run, so it never goes to
 * Temporal. The text is kept as the client's protected personal data, like a decision's reason.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { onboardingWorkflowId } from '../../workflows/onboarding-contract';
import { DECIDING_ROLES } from '../auth';
import { HttpError } from '../errors';
import { protectedText } from '../protected-text';
import { AUTH_ERRORS, errors, onboardingIdParams, UNAVAILABLE } from '../schemas/common';
import { reviewActionSchema, reviewTextSchema } from '../schemas/review';
import type { RouteGroup } from './plugin';

const noteBodySchema = z.strictObject({
  text: reviewTextSchema.meta({ description: 'The note, 1–2,000 characters; kept on the record' }),
});

export const noteRoutes: RouteGroup = async (app, { context }) => {
  app.post(
    '/v1/onboardings/:onboardingId/notes',
    {
      onRequest: context.requireRole(...DECIDING_ROLES),
      schema: {
        summary: 'Add an internal note to a case, on its audit trail and the ledger (reviewer)',
        params: onboardingIdParams,
        body: noteBodySchema,
        response: {
          201: reviewActionSchema.meta({ description: 'The note, as the audit trail keeps it' }),
          ...errors({
            400: 'Invalid body, or not an onboarding ID',
            ...AUTH_ERRORS,
            404: 'Unknown onboarding: never on the review desk nor decided',
            409: 'client_erased: the client’s personal data was erased',
            503: UNAVAILABLE,
          }),
        },
      },
    },
    async (request, reply) => {
      const { onboardingId } = request.params;
      const { name: actor, channel } = request.principal!;
      // A note belongs to a case a reviewer can see: one on the desk, or decided.
      const onDesk = await context.store.reviewCaseFor(onboardingId);
      if (!onDesk && (await context.store.decisionsFor(onboardingId)).length === 0) {
        throw new HttpError(404, 'onboarding_not_found', 'No case with this ID on the desk or on the record');
      }
      const note = {
        id: `note:${randomUUID()}`,
        onboardingId,
        workflowId: onboardingWorkflowId(onboardingId),
        runId: onDesk?.runId ?? '',
        kind: 'note' as const,
        actor,
        channel,
        authenticated: true,
        reason: await protectedText(context, onboardingId, request.body.text),
        at: new Date().toISOString(),
      };
      await context.store.recordReviewAction(note);
      return reply.code(201).send(note);
    },
  );
};
