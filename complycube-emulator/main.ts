import { z } from 'zod';
import { createEmulator } from './emulator';

const env = z
  .object({
    EMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(8787),
    EMULATOR_HOST: z.string().default('127.0.0.1'),
    EMULATOR_API_KEYS: z.string().default('test_emulator_key'),
    EMULATOR_RATE_LIMIT_PER_SECOND: z.coerce.number().int().min(0).default(5),
    EMULATOR_FRAUD_CHECK_LATENCY_MS: z.coerce.number().int().min(0).default(1500),
    EMULATOR_ENHANCED_CHECK_LATENCY_MS: z.coerce.number().int().min(0).default(3000),
    EMULATOR_WEBHOOK_RETRY_TIME_SCALE: z.coerce.number().positive().default(1),
    EMULATOR_LOG: z.enum(['true', 'false']).default('true'),
    /** Emulator-only: a webhook registered at start, with this secret. */
    EMULATOR_WEBHOOK_URL: z.url().optional(),
    EMULATOR_WEBHOOK_SECRET: z.string().min(16).optional(),
  })
  .refine((e) => Boolean(e.EMULATOR_WEBHOOK_URL) === Boolean(e.EMULATOR_WEBHOOK_SECRET), {
    message: 'EMULATOR_WEBHOOK_URL and EMULATOR_WEBHOOK_SECRET go together',
  })
  .parse(process.env);

async function main(): Promise<void> {
  const emulator = createEmulator({
    apiKeys: env.EMULATOR_API_KEYS.split(',').map((key) => key.trim()),
    rateLimitPerSecond: env.EMULATOR_RATE_LIMIT_PER_SECOND,
    checkLatencyMs: {
      identity_fraud_check: env.EMULATOR_FRAUD_CHECK_LATENCY_MS,
      enhanced_identity_check: env.EMULATOR_ENHANCED_CHECK_LATENCY_MS,
    },
    webhookRetryTimeScale: env.EMULATOR_WEBHOOK_RETRY_TIME_SCALE,
    logger: env.EMULATOR_LOG === 'true',
    webhooks:
      env.EMULATOR_WEBHOOK_URL && env.EMULATOR_WEBHOOK_SECRET
        ? [
            {
              url: env.EMULATOR_WEBHOOK_URL,
              secret: env.EMULATOR_WEBHOOK_SECRET,
              events: ['check.completed', 'check.failed'],
            },
          ]
        : [],
  });
  const baseUrl = await emulator.listen(env.EMULATOR_PORT, env.EMULATOR_HOST);
  console.log(
    `ComplyCube emulator: ${baseUrl} (API key header: Authorization: ${[...env.EMULATOR_API_KEYS.split(',')][0]})`,
  );
  const stop = () => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
