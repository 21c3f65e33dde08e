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

/** The API's OpenAPI 3.1 document; request bodies come from the same zod schemas the routes validate with. */
export function openApiDocument() {
  return {
    openapi: '3.1.0',
    info: {
      title: 'KYC onboarding API',
      version: '0.2.0',
      description:
        'Start and follow KYC onboardings (two ComplyCube checks, human review when needed), submit reviews, ' +
        'read recorded decisions. Service tokens start and read; reviewer tokens read and review.',
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    },
    security: [{ bearer: [] }],
    paths: {
      '/v1/onboardings': {
        post: {
          summary: 'Start an onboarding (service token). Idempotent while it runs.',
          requestBody: { required: true, content: { 'application/json': { schema: json(onboardingRequestSchema) } } },
          responses: {
            201: ok('Started'),
            200: ok('The same request is already running: that onboarding'),
            400: errorResponse('Invalid body'),
            401: errorResponse('No or unknown token'),
            403: errorResponse('Not a service token'),
            409: errorResponse('Another onboarding of this client is running'),
            503: errorResponse('Temporal unavailable'),
          },
        },
        get: {
          summary: 'List onboardings, optionally by status',
          parameters: [
            { name: 'status', in: 'query', schema: json(onboardingStatusSchema) },
            { name: 'pageSize', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
            { name: 'pageToken', in: 'query', schema: { type: 'string' } },
          ],
          responses: { 200: ok('A page of onboardings'), 400: errorResponse('Invalid query') },
        },
      },
      '/v1/onboardings/{onboardingId}': {
        get: {
          summary: 'An onboarding: status, checks, review history, decision',
          parameters: [onboardingId],
          responses: { 200: ok('The onboarding'), 404: errorResponse('Unknown onboarding') },
        },
      },
      '/v1/onboardings/{onboardingId}/review': {
        post: {
          summary: "Submit a review decision (reviewer token; the reviewer is the token's owner)",
          parameters: [onboardingId],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: json(reviewDecisionSchema.omit({ reviewer: true })) } },
          },
          responses: {
            200: ok('Accepted: the decided onboarding'),
            400: errorResponse('Invalid body'),
            403: errorResponse('Not a reviewer token'),
            404: errorResponse('Unknown onboarding'),
            409: errorResponse('Not awaiting review, or already decided'),
          },
        },
      },
      '/v1/decisions/{onboardingId}': {
        get: {
          summary: 'Recorded decisions for an onboarding, newest first, kept after Temporal forgets the run',
          parameters: [onboardingId],
          responses: { 200: ok('The decisions'), 404: errorResponse('None recorded') },
        },
      },
      '/webhooks/complycube': {
        post: {
          summary: "ComplyCube's webhook (signed with ComplyCube-Signature; no bearer token)",
          security: [],
          responses: {
            200: ok('Handled (routed, duplicate, or not for any onboarding)'),
            401: errorResponse('Missing or invalid signature'),
            503: errorResponse('Temporal unavailable: ComplyCube will retry'),
          },
        },
      },
    },
  };
}
