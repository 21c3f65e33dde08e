/**
 * Outbound webhooks' settings (docs/webhooks.md): which private addresses a receiver may have,
 * one attempt's deadline, and how long a delivery is retried. Part of `config.ts`'s schema.
 */
import type { Duration } from '@temporalio/common';
import { z } from 'zod';
import { parseAllowedCidrs } from '../webhooks/address-guard';
import { durationSchema, parseDuration } from '../workflows/onboarding-contract';

/** Retries back off over at least a day: a receiver down over a night still gets everything. */
const MIN_RETRY_FOR_MS = 24 * 3_600_000;

export const webhookEnvShape = {
  /** CIDRs a receiver may resolve to besides public addresses, comma-separated; `npm start` allows loopback. */
  OUTBOUND_WEBHOOK_ALLOWED_CIDRS: z
    .string()
    .default('')
    .transform((value, ctx) => {
      try {
        return parseAllowedCidrs(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  /** One attempt's deadline; at most a minute (the attempt's activity gives it two). */
  OUTBOUND_WEBHOOK_TIMEOUT: durationSchema
    .default('10s')
    .refine((value) => parseDuration(value) <= 60_000, 'must be at most 60s'),
  OUTBOUND_WEBHOOK_RETRY_FOR: durationSchema
    .default('72h')
    .refine((value) => parseDuration(value) >= MIN_RETRY_FOR_MS, 'must be at least 24h'),
};

type WebhookEnv = { [K in keyof typeof webhookEnvShape]: z.output<(typeof webhookEnvShape)[K]> };

export function webhookSettings(env: WebhookEnv) {
  return {
    allowedCidrs: env.OUTBOUND_WEBHOOK_ALLOWED_CIDRS,
    timeoutMs: parseDuration(env.OUTBOUND_WEBHOOK_TIMEOUT),
    retryFor: env.OUTBOUND_WEBHOOK_RETRY_FOR as Duration,
  };
}
