/**
 * The OpenAPI document, generated from the zod schemas every route declares (fastify-type-provider-zod's
 * transform under @fastify/swagger, dynamic mode), served at `/openapi.json` and as Swagger UI at `/docs`.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

const RETRY_AFTER = {
  'Retry-After': { type: 'integer', description: 'Seconds to wait before retrying' },
};

/** zod's transform, plus the Retry-After header every 503 (and 429) error is sent with (api/errors.ts). */
const transform: typeof jsonSchemaTransform = (input) => {
  const transformed = jsonSchemaTransform(input);
  const response = (transformed.schema as { response?: Record<string, Record<string, unknown>> }).response;
  for (const status of ['429', '503']) {
    const schema = response?.[status];
    const isError = (schema?.properties as Record<string, unknown> | undefined)?.error !== undefined;
    if (schema && isError) response[status] = { ...schema, headers: RETRY_AFTER };
  }
  return transformed;
};

/** Registers the generator: call before any route, so that it sees them all. */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'KYC onboarding API',
        version,
        description:
          'Start and follow KYC onboardings (two ComplyCube checks, human review when needed), submit reviews, ' +
          'read recorded decisions. Service tokens start and read; reviewer tokens read and review. ' +
          'The review console (/console) signs reviewers in with a session cookie: every change it makes ' +
          'carries X-CSRF-Token. Every error is `{error, message, details?}`.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'kyc_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
