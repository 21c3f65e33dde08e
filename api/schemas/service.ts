/** The console's session, ComplyCube's webhook acknowledgement, and liveness and readiness. */
import { z } from 'zod';
import { ROLES } from '../roles';

export const signInSchema = z.strictObject({ token: z.string().min(1).max(512) });

export const sessionSchema = z
  .strictObject({
    reviewer: z.string(),
    roles: z.array(z.enum(ROLES)).meta({ description: 'What the console offers: reviewer, senior_reviewer, auditor' }),
    csrfToken: z.string().meta({ description: 'Send it as X-CSRF-Token with every change' }),
    expiresAt: z.string(),
    method: z.enum(['token', 'oidc']).meta({ description: 'How the reviewer signed in: a token, or single sign-on' }),
    displayName: z.string().optional().meta({ description: "Single sign-on: the identity provider's user name" }),
  })
  .meta({
    examples: [
      {
        reviewer: 'reviewer-alice',
        roles: ['reviewer'],
        csrfToken: 'hI8v…',
        expiresAt: '2026-01-15T18:30:00.000Z',
        method: 'token',
      },
    ],
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
