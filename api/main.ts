import { Connection } from '@temporalio/client';
import { ConfigError, loadConfig } from '../config/config';
import { createLogger } from '../config/logging';
import { API_SECRETS, refusePlaceholders } from '../config/placeholders';
import { installTracing } from '../observability/tracing';
import { openDecisionStore } from '../store/decision-store';
import { composeApi, temporalClient } from '../system/compose';
import { apiConnectionOptions } from './temporal-connection';

/** The API process: onboarding routes and ComplyCube's webhook, until SIGINT or SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig();
  refusePlaceholders(process.env, API_SECRETS);
  if (config.api.serviceTokens.length === 0 && config.api.reviewerTokens.length === 0) {
    throw new ConfigError('invalid configuration: set API_SERVICE_TOKENS and/or API_REVIEWER_TOKENS');
  }
  if (!config.payloadCodecKeys) {
    throw new ConfigError(
      'invalid configuration: PAYLOAD_CODEC_KEYS is required: the API encrypts every payload it sends to Temporal (docs/payload-encryption.md)',
    );
  }
  if (!config.reviewKeys) {
    throw new ConfigError(
      'invalid configuration: REVIEW_ASSERTION_KEYS is required: the API signs every review action with it (docs/security.md)',
    );
  }
  const tracing = installTracing('kyc-api');
  const store = await openDecisionStore(config.store);
  // Lazy: the API starts, and /readyz says so, while Temporal is still coming up.
  const connection = Connection.lazy(apiConnectionOptions(config.temporal.connection));
  let app: Awaited<ReturnType<typeof composeApi>> | undefined;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    try {
      await app?.close();
    } finally {
      await connection.close().catch(() => undefined);
      await store.close();
      await tracing?.shutdown().catch(() => undefined);
    }
  };
  try {
    app = await composeApi(config, {
      temporal: temporalClient(connection, config.temporal.namespace, config.payloadCodecKeys),
      store,
      logger: createLogger({ level: config.logLevel, format: config.logFormat, name: 'api' }),
    });
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        app?.log.info('Shutting down');
        stop().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      });
    }
    await app.listen({ host: config.api.host, port: config.api.port });
  } catch (error) {
    await stop();
    throw error;
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
