/** The sign-in's security events, as GET /v1/security-events lists them. */
import { z } from 'zod';
import { SECURITY_EVENT_KINDS } from '../../store/decision-store';

export const securityEventsQuery = z.strictObject({
  before: z.coerce
    .number()
    .int()
    .positive()
    .optional()
    .meta({ description: 'Only events older than this one (its id): the previous page’s nextBefore' }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const securityEventSchema = z.strictObject({
  id: z.number().int(),
  at: z.string(),
  kind: z.enum(SECURITY_EVENT_KINDS).meta({
    description:
      'sign_in, sign_in_failed, sign_in_throttled (rate limit or lockout), sign_out, session_revoked (its token removed), evidence_viewed (detail: onboardingId, channel), applicant_viewed (detail: onboardingId or onboardingIds, part, channel), codec_decode',
  }),
  actor: z.string().nullable().meta({ description: 'The reviewer, when known; never a credential' }),
  ip: z.string().nullable().meta({ description: "The client's address (behind a trusted proxy, X-Forwarded-For)" }),
  detail: z
    .record(z.string(), z.unknown())
    .meta({ description: 'method (token, oidc), reason, roles, retryAfterSeconds: never a token or session ID' }),
});

export const securityEventsSchema = z
  .strictObject({
    items: z.array(securityEventSchema),
    nextBefore: z.number().int().optional().meta({ description: 'Pass as `before` for the next (older) page' }),
  })
  .meta({
    examples: [
      {
        items: [
          {
            id: 42,
            at: '2026-01-15T10:30:00.000Z',
            kind: 'sign_in_failed',
            actor: null,
            ip: '203.0.113.7',
            detail: { method: 'token', reason: 'unknown_token' },
          },
        ],
        nextBefore: 42,
      },
    ],
  });
