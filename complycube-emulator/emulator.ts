import Fastify, { type FastifyInstance } from 'fastify';
import { type CheckType } from '../complycube/schemas';
import { installApiGate } from './api-gate';
import { registerFaultControls } from './control/faults';
import { registerInspectionControls } from './control/inspection';
import { registerOutcomeControls } from './control/outcomes';
import { registerSeedingControls } from './control/seeding';
import { installErrorHandling } from './http-errors';
import { registerAddressRoutes } from './resources/addresses';
import { registerCheckRoutes } from './resources/checks';
import { registerClientRoutes } from './resources/clients';
import { registerDocumentRoutes } from './resources/documents';
import { registerLivePhotoRoutes } from './resources/live-photos';
import { registerLiveVideoRoutes } from './resources/live-videos';
import { addWebhook, registerWebhookRoutes } from './resources/webhooks';
import { cancelCompletions, createState } from './state';

export type { CheckBehaviour } from './state';

/**
 * A local emulator of ComplyCube's sandbox API, for everything this product touches, with
 * test-control routes under `/_emulator` for outcomes, latency, fault injection and seeding.
 * It is a development tool: production code never imports it.
 */
export interface EmulatorOptions {
  /** Sandbox API keys accepted in the `Authorization` header. Default: `test_emulator_key`. */
  apiKeys?: string[];
  /** Requests per second per key before 429. ComplyCube's sandbox allows 5; 0 turns the limit off. */
  rateLimitPerSecond?: number;
  /** How long a check stays pending, per type, unless a client's behaviour says otherwise. */
  checkLatencyMs?: Partial<Record<CheckType, number>>;
  /** Multiplies ComplyCube's webhook retry schedule (60 s, 120 s, 480 s, ...). */
  webhookRetryTimeScale?: number;
  /** The longest a webhook receiver may take to answer. Default 15 s, as ComplyCube. */
  webhookDeliveryTimeoutMs?: number;
  /** Largest request body accepted before 413. Default 4 MiB. */
  bodyLimitBytes?: number;
  /** Log requests (no bodies). */
  logger?: boolean;
  /**
   * Webhooks registered at start, with a secret chosen here: an emulator-only convenience for
   * deployments (docker-compose's sandbox) whose API must know the secret before it starts.
   */
  webhooks?: { url: string; secret: string; events: string[] }[];
}

/** A running (or ready to run) emulator. */
export interface Emulator {
  app: FastifyInstance;
  /** Starts listening; resolves to the base URL ending in `/v1`. */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const state = createState({
    apiKeys: options.apiKeys ?? ['test_emulator_key'],
    rateLimitPerSecond: options.rateLimitPerSecond ?? 5,
    checkLatencyMs: {
      identity_fraud_check: options.checkLatencyMs?.identity_fraud_check ?? 1500,
      enhanced_identity_check: options.checkLatencyMs?.enhanced_identity_check ?? 3000,
    },
    webhookRetryTimeScale: options.webhookRetryTimeScale ?? 1,
    webhookDeliveryTimeoutMs: options.webhookDeliveryTimeoutMs ?? 15_000,
  });

  const app = Fastify({
    logger: options.logger ? { level: 'info' } : false,
    bodyLimit: options.bodyLimitBytes ?? 4 * 1024 * 1024,
    // The official SDK creates with `POST /v1/checks/`.
    routerOptions: { ignoreTrailingSlash: true },
  });
  installErrorHandling(app);
  installApiGate(app, state);
  for (const register of [
    registerClientRoutes,
    registerAddressRoutes,
    registerDocumentRoutes,
    registerLiveVideoRoutes,
    registerLivePhotoRoutes,
    registerCheckRoutes,
    registerWebhookRoutes,
    registerOutcomeControls,
    registerFaultControls,
    registerInspectionControls,
    registerSeedingControls,
  ]) {
    register(app, state);
  }
  for (const preset of options.webhooks ?? []) addWebhook(state, { ...preset, description: 'registered at start' });

  return {
    app,
    async listen(port = 0, host = '127.0.0.1') {
      const address = await app.listen({ port, host });
      return `${address}/v1`;
    },
    async close() {
      cancelCompletions(state);
      state.dispatcher.close();
      await app.close();
    },
  };
}
