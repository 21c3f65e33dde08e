/**
 * The ComplyCube emulator in a process of its own (`complycube-emulator/main.ts`), as ComplyCube
 * is a service of its own: the bench runs it so, so that the emulator stamps each call when it
 * arrives, not when a process also busy with the API and a thousand starts gets round to it.
 */
import type { Emulator, EmulatorOptions } from '../complycube-emulator/emulator';
import { EMULATOR_KEY } from './in-process-credentials';
import { spawnNodeService, waitUntilReady } from './service-processes';

/** The options a process takes from its environment; the rest keep the emulator's defaults. */
export type EmulatorProcessOptions = Pick<
  EmulatorOptions,
  'rateLimitPerSecond' | 'checkLatencyMs' | 'webhookRetryTimeScale'
>;

export async function startEmulatorProcess(
  options: EmulatorProcessOptions,
): Promise<Pick<Emulator, 'close'> & { url: string }> {
  const latency = options.checkLatencyMs ?? {};
  const emulator = spawnNodeService('complycube-emulator/main.ts', {
    EMULATOR_PORT: '0',
    EMULATOR_API_KEYS: EMULATOR_KEY,
    EMULATOR_RATE_LIMIT_PER_SECOND: String(options.rateLimitPerSecond ?? 0),
    ...(latency.identity_fraud_check !== undefined
      ? { EMULATOR_FRAUD_CHECK_LATENCY_MS: String(latency.identity_fraud_check) }
      : {}),
    ...(latency.enhanced_identity_check !== undefined
      ? { EMULATOR_ENHANCED_CHECK_LATENCY_MS: String(latency.enhanced_identity_check) }
      : {}),
    EMULATOR_WEBHOOK_RETRY_TIME_SCALE: String(options.webhookRetryTimeScale ?? 1),
    EMULATOR_LOG: 'false',
  });
  const listening = () => /ComplyCube emulator: (http:\S+\/v1)/.exec(emulator.output())?.[1];
  await waitUntilReady(emulator, 'ComplyCube emulator', async () => listening() !== undefined, 30_000);
  return { url: listening()!, close: () => emulator.stop() };
}
