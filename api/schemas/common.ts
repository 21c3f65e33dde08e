/**
 * What every route shares in its declared schemas: the error body, the error responses each kind
 * of route can give, the onboarding ID in the path and the Idempotency-Key header.
 */
import { z } from 'zod';
import { complyCubeIdSchema } from '../../complycube/primitives';

/** One problem with a request, as a 400 lists it. */
export const problemSchema = z.strictObject({
  path: z.string().meta({ description: 'Where: a field path, or `(body)` for the request as a whole' }),
  message: z.string(),
  code: z.string().meta({ description: "zod's issue code, e.g. `invalid_type`, `unrecognized_keys`" }),
});

/** Every error the API answers: a machine-readable code, a sentence, and details for some. */
export const errorBodySchema = z
  .strictObject({
    error: z.string().meta({ description: 'Machine-readable code' }),
    message: z.string().meta({ description: 'A sentence for a person' }),
    details: z
      .union([z.array(problemSchema), z.record(z.string(), z.unknown())])
      .optional()
      .meta({ description: 'For 400: each problem; for some 409s: what conflicts (e.g. who holds the claim)' }),
    requestId: z.string().optional().meta({ description: 'For 500: the ID the log keeps the cause under' }),
  })
  .meta({ examples: [{ error: 'onboarding_not_found', message: 'No onboarding with this ID' }] });
export type ErrorBody = z.infer<typeof errorBodySchema>;

const errorResponse = (description: string) => errorBodySchema.meta({ description });

/** The error responses a route can give, by status, each with what it means there. */
export function errors(described: Partial<Record<400 | 401 | 403 | 404 | 409 | 422 | 429 | 503, string>>) {
  return Object.fromEntries(
    Object.entries(described).map(([status, description]) => [status, errorResponse(description)]),
  ) as Record<string, typeof errorBodySchema>;
}

/** The errors of a route behind a token: unauthenticated, wrong role, and a dependency down. */
export const AUTH_ERRORS = {
  401: 'No token, an unknown token, or no console session (unauthorized)',
  403: 'A token of the wrong role (forbidden), or a console request without its X-CSRF-Token (csrf_token_invalid)',
} as const;

export const UNAVAILABLE =
  'Temporal (temporal_unavailable) or the decision store (store_unavailable) cannot be reached or is overloaded: ' +
  'retry after Retry-After seconds';

export const onboardingIdParams = z.strictObject({
  onboardingId: complyCubeIdSchema.meta({
    description: 'The ComplyCube client ID the onboarding is for',
    examples: ['5f7c6e8a9b0c1d2e3f4a5b6c'],
  }),
});

/** The Idempotency-Key header; its pattern is checked by the route, which answers `invalid_idempotency_key`. */
export const idempotencyHeaders = z.looseObject({
  'idempotency-key': z
    .string()
    .optional()
    .meta({
      description:
        'Retries with the same key and the same request get the first answer (with Idempotent-Replayed: true), ' +
        'for 24 h, from any API instance; the same key with another request is refused (422). 1–255 printable ' +
        'characters.',
    }),
});

/** Links to follow an onboarding. */
export const onboardingLinksSchema = z.strictObject({
  self: z.string().meta({ examples: ['/v1/onboardings/5f7c6e8a9b0c1d2e3f4a5b6c'] }),
  decisions: z.string().meta({ examples: ['/v1/decisions/5f7c6e8a9b0c1d2e3f4a5b6c'] }),
});
export const selfLinkSchema = z.strictObject({ self: z.string() });
