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
