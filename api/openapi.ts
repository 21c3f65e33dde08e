import { z } from 'zod';
import {
  onboardingRequestSchema,
  onboardingStatusSchema,
  reviewDecisionSchema,
} from '../workflows/onboarding-contract';

const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });

const errorResponse = (description: string) => ({
  description,
  content: {
    'application/json': {
      schema: {
        type: 'object',
        required: ['error', 'message'],
        properties: {
          error: { type: 'string', description: 'Machine-readable code' },
          message: { type: 'string' },
          details: { description: 'For 400: a list of {path, message, code}' },
        },
      },
    },
  },
});

const onboardingId = {
  name: 'onboardingId',
  in: 'path',
  required: true,
  description: 'The ComplyCube client ID the onboarding is for',
  schema: { type: 'string', pattern: '^[0-9a-f]{24}$' },
};

const ok = (description: string) => ({ description, content: { 'application/json': { schema: { type: 'object' } } } });

const idempotencyKey = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Retries with the same key and the same request get the first answer (with Idempotent-Replayed: true), ' +
    'for 24 h, from any API instance; the same key with another request is refused (422).',
  schema: { type: 'string', minLength: 1, maxLength: 255 },
};

const unavailable = {
  ...errorResponse(
    'Temporal (temporal_unavailable) or the decision store (store_unavailable) unreachable or overloaded; ' +
      'retry after Retry-After seconds (requests with an Idempotency-Key, and starts, are safe to retry)',
  ),
  headers: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } },
};

/** The API's OpenAPI 3.1 document; request bodies come from the same zod schemas the routes validate with. */
export function openApiDocument() {
  return {
    openapi: '3.1.0',
    info: {
      title: 'KYC onboarding API',
      version: '0.4.0',
      description:
        'Start and follow KYC onboardings (two ComplyCube checks, human review when needed), submit reviews, ' +
        'read recorded decisions. Service tokens start and read; reviewer tokens read and review. ' +
        'The review console (/console) signs reviewers in with a session cookie: every change it makes ' +
        'carries X-CSRF-Token.',
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        session: { type: 'apiKey', in: 'cookie', name: 'kyc_session' },
      },
    },
    security: [{ bearer: [] }, { session: [] }],
    paths: {
      '/v1/onboardings': {
        post: {
          summary:
            'Start an onboarding (service token). The same request again answers the running or ended onboarding; ' +
            'a new run for a client whose onboarding has ended only with "reverify": true.',
          parameters: [idempotencyKey],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: json(onboardingRequestSchema.extend({ reverify: z.boolean().optional() })),
              },
            },
          },
          responses: {
            201: ok('Started'),
            200: ok('The same request: the onboarding already running, or the outcome of the one that ended'),
            400: errorResponse('Invalid body or Idempotency-Key'),
            401: errorResponse('No or unknown token'),
            403: errorResponse('Not a service token'),
            409: errorResponse(
              'onboarding_in_progress: another request for this client runs; idempotency_key_in_progress',
            ),
            422: errorResponse('idempotency_key_reused: the key was used for another request'),
            503: unavailable,
          },
        },
        get: {
          summary:
            'List onboardings, optionally by status; queue=review lists the review desk (awaiting review, escalated, ' +
            'awaiting second approval) oldest first, with reasons, age, SLA time left and claim',
          parameters: [
            { name: 'status', in: 'query', schema: json(onboardingStatusSchema) },
            { name: 'queue', in: 'query', schema: { type: 'string', enum: ['review'] } },
            { name: 'pageSize', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
            { name: 'pageToken', in: 'query', schema: { type: 'string' } },
          ],
          responses: {
            200: ok('A page of onboardings'),
            400: errorResponse('Invalid query, or invalid_page_token: a token this listing did not give out'),
            503: unavailable,
          },
        },
      },
      '/v1/onboardings/{onboardingId}': {
        get: {
          summary: 'An onboarding: status, checks, review history, decision',
          parameters: [onboardingId],
          responses: { 200: ok('The onboarding'), 404: errorResponse('Unknown onboarding'), 503: unavailable },
        },
      },
      '/v1/onboardings/{onboardingId}/review': {
        post: {
          summary: "Submit a review decision (reviewer token; the reviewer is the token's owner)",
          parameters: [onboardingId, idempotencyKey],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: json(reviewDecisionSchema.omit({ reviewer: true })) } },
          },
          responses: {
            200: ok('Accepted: the decided onboarding'),
            202: ok('Accepted: the decision is being recorded (status decision_recording); follow links.self'),
            400: errorResponse('Invalid body or Idempotency-Key'),
            403: errorResponse('Not a reviewer token'),
            404: errorResponse('Unknown onboarding'),
            409: errorResponse(
              'review_not_due, already_decided, claimed_by_other (details.claimedBy), ' +
                'second_approval_by_same_reviewer, or idempotency_key_in_progress',
            ),
            422: errorResponse('idempotency_key_reused'),
            503: unavailable,
          },
        },
      },
      '/v1/onboardings/{onboardingId}/claim': {
        post: {
          summary: "Claim a case for the policy's lease, or renew your claim (reviewer)",
          parameters: [onboardingId],
          responses: {
            200: ok('The onboarding, with its claim'),
            403: errorResponse('Not a reviewer, or csrf_token_invalid'),
            404: errorResponse('Unknown onboarding'),
            409: errorResponse('claimed_by_other (details.claimedBy, details.until), review_not_due, already_decided'),
            503: unavailable,
          },
        },
        delete: {
          summary: 'Release your claim (reviewer)',
          parameters: [onboardingId],
          responses: {
            200: ok('The onboarding, unclaimed'),
            404: errorResponse('Unknown onboarding'),
            409: errorResponse('not_claimed_by_you'),
            503: unavailable,
          },
        },
      },
      '/v1/onboardings/{onboardingId}/evidence': {
        get: {
          summary:
            "Both checks' full results, read live from ComplyCube (reviewer; never stored, logged or cached: " +
            'Cache-Control: no-store)',
          parameters: [onboardingId],
          responses: {
            200: ok('The checks, analyses needing attention first'),
            403: errorResponse('Not a reviewer token'),
            404: errorResponse('Unknown onboarding'),
            503: errorResponse('ComplyCube, Temporal or the store unavailable'),
          },
        },
      },
      '/v1/onboardings/{onboardingId}/audit': {
        get: {
          summary:
            'The audit trail: every claim, release, first approval, decision and refused attempt, oldest first, ' +
            'with actor, channel (console, api, cli, signal) and whether the actor was authenticated',
          parameters: [onboardingId],
          responses: { 200: ok('The review actions'), 503: unavailable },
        },
      },
      '/v1/session': {
        post: {
          summary: 'Console sign-in: a reviewer token for an httpOnly, SameSite=Strict session cookie and a CSRF token',
          security: [],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: { type: 'object', required: ['token'], properties: { token: { type: 'string' } } },
              },
            },
          },
          responses: {
            201: ok('Signed in: reviewer, csrfToken, expiresAt'),
            401: errorResponse('Not a reviewer token'),
          },
        },
        get: {
          summary: 'The console session: reviewer, csrfToken, expiresAt',
          security: [{ session: [] }],
          responses: { 200: ok('Signed in'), 401: errorResponse('Not signed in, or the session expired') },
        },
        delete: {
          summary: 'Sign out (needs X-CSRF-Token)',
          security: [{ session: [] }],
          responses: { 204: { description: 'Signed out' }, 403: errorResponse('csrf_token_invalid') },
        },
      },
      '/v1/decisions/{onboardingId}': {
        get: {
          summary: 'Recorded decisions for an onboarding, newest first, kept after Temporal forgets the run',
          parameters: [onboardingId],
          responses: { 200: ok('The decisions'), 404: errorResponse('None recorded'), 503: unavailable },
        },
      },
      '/webhooks/complycube': {
        post: {
          summary: "ComplyCube's webhook (signed with ComplyCube-Signature; no bearer token)",
          security: [],
          responses: {
            200: ok(
              'Handled: routed, duplicate, held (for a check no run has adopted yet), not routed, ' +
                'or ignored (signed but not a usable event)',
            ),
            401: errorResponse('Missing or invalid signature'),
            503: errorResponse('Temporal or the store unavailable, or the same event in progress: ComplyCube retries'),
          },
        },
      },
    },
  };
}
