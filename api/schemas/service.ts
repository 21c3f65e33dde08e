/** The console's session, ComplyCube's webhook acknowledgement, and liveness and readiness. */
import { z } from 'zod';

export const signInSchema = z.strictObject({ token: z.string().min(1).max(512) });

export const sessionSchema = z
  .strictObject({
    reviewer: z.string(),
    csrfToken: z.string().meta({ description: 'Send it as X-CSRF-Token with every change' }),
    expiresAt: z.string(),
  })
  .meta({
    examples: [{ reviewer: 'reviewer-alice', csrfToken: 'hI8v…', expiresAt: '2026-01-15T18:30:00.000Z' }],
  });

export const webhookAckSchema = z
  .strictObject({
    received: z.literal(true),
    routed: z.boolean().optional().meta({ description: 'Forwarded to its onboarding, or not one we route' }),
    duplicate: z.literal(true).optional(),
    held: z.literal(true).optional().meta({ description: 'For a check no run has adopted yet' }),
    ignored: z.string().optional().meta({ description: 'Signed but not a usable event: why' }),
  })
  .meta({ examples: [{ received: true, routed: true }] });

export const webhookHeadersSchema = z.looseObject({
  'complycube-signature': z.string().optional().meta({ description: "ComplyCube's HMAC of the body" }),
});

export const healthSchema = z.strictObject({ status: z.literal('ok') }).meta({ examples: [{ status: 'ok' }] });

export const readinessSchema = z
  .strictObject({ status: z.enum(['ready', 'not_ready']), temporal: z.boolean(), store: z.boolean() })
  .meta({ examples: [{ status: 'ready', temporal: true, store: true }] });

export type Session = z.infer<typeof sessionSchema>;
