/** Start, follow and list onboardings. */
import { z } from 'zod';
import { onboardingRequestSchema } from '../../workflows/onboarding-contract';
import { onboardingLink } from '../context';
import { idempotent } from '../idempotency';
import { onboardingView } from '../onboarding-view';
import { AUTH_ERRORS, errors, idempotencyHeaders, onboardingIdParams, UNAVAILABLE } from '../schemas/common';
import { listPageSchema, listQuerySchema, startAnswerSchema } from '../schemas/listing';
import { anyOnboardingViewSchema } from '../schemas/onboarding';
import { startOnboarding } from '../start-onboarding';
import { listOnboardings } from './list-onboardings';
import type { RouteGroup } from './plugin';
import { DESK_ROLES } from '../auth';

const startBodySchema = onboardingRequestSchema
  .extend({
    reverify: z
      .boolean()
      .optional()
      .meta({ description: 'Start a new run for a client whose onboarding has ended (re-verification)' }),
  })
  .meta({
    examples: [
      {
        clientId: '5f7c6e8a9b0c1d2e3f4a5b6c',
        documentId: '5f7c6e8a9b0c1d2e3f4a5b6d',
        addressId: '5f7c6e8a9b0c1d2e3f4a5b6e',
        liveVideoId: '5f7c6e8a9b0c1d2e3f4a5b6f',
      },
    ],
  });

const startSchema = {
  summary:
    'Start an onboarding (service token). The same request again answers the running or ended onboarding; ' +
    'a new run for a client whose onboarding has ended only with "reverify": true.',
  headers: idempotencyHeaders,
  body: startBodySchema,
  response: {
    201: startAnswerSchema.meta({ description: 'Started' }),
    200: startAnswerSchema.meta({
      description: 'The same request: the onboarding already running, or the outcome of the one that ended',
    }),
    ...errors({
      400: 'Invalid body, invalid_json, or invalid_idempotency_key',
      ...AUTH_ERRORS,
      409:
        'onboarding_in_progress: another request for this client runs (details.onboardingId); ' +
        'onboarding_in_flux: the onboarding changed while starting, try again; ' +
        'idempotency_key_in_progress: a request with this key is in progress',
      422: 'idempotency_key_reused: the key was used for another request',
      503: `${UNAVAILABLE} (starts are safe to retry)`,
    }),
  },
};

const listSchema = {
  summary:
    'List onboardings, optionally by status; queue=review lists the review desk (awaiting review, escalated, ' +
    'awaiting second approval) oldest first, with reasons, age, SLA time left and claim',
  querystring: listQuerySchema,
  response: {
    200: listPageSchema.meta({ description: 'A page of onboardings' }),
    ...errors({
      400: 'Invalid query, status and queue both given, or invalid_page_token: a token this listing did not give out',
      ...AUTH_ERRORS,
      503: UNAVAILABLE,
    }),
  },
};

export const onboardingRoutes: RouteGroup = async (app, { context }) => {
  const { requireRole } = context;

  // Start an onboarding: idempotent by itself, and by `Idempotency-Key` for the exact answer.
  app.post('/v1/onboardings', { onRequest: requireRole('service'), schema: startSchema }, async (request, reply) => {
    const { reverify = false, ...body } = request.body;
    return idempotent(context, request, reply, 'POST /v1/onboardings', { ...body, reverify }, async () => {
      const answer = await startOnboarding(context, body, reverify, request.log, request.principal?.name ?? null);
      reply.header('location', onboardingLink(body.clientId));
      return answer;
    });
  });

  // Follow one onboarding.
  app.get(
    '/v1/onboardings/:onboardingId',
    {
      onRequest: requireRole('service', ...DESK_ROLES),
      schema: {
        summary:
          'An onboarding: status, checks, review history, decision. While no worker can answer for the run ' +
          '(a restart), a partial view (partial: true) from visibility and the review queue.',
        params: onboardingIdParams,
        response: {
          200: anyOnboardingViewSchema.meta({ description: 'The onboarding' }),
          ...errors({ 400: 'Not an onboarding ID', ...AUTH_ERRORS, 404: 'Unknown onboarding', 503: UNAVAILABLE }),
        },
      },
    },
    async (request) => onboardingView(context, request.params.onboardingId),
  );

  // List onboardings: the review desk's from the review queue, others from Temporal's visibility.
  app.get(
    '/v1/onboardings',
    { onRequest: requireRole('service', ...DESK_ROLES), schema: listSchema },
    async (request) => listOnboardings(context, request.query, request.principal?.name),
  );
};
