import { Client, Connection } from '@temporalio/client';
import { ComplyCubeClient } from '../complycube/client';
import { ConfigError, loadConfig, temporalConnectionOptions } from '../config/config';
import { createLogger } from '../config/logging';
import { clientInterceptors, installTracing } from '../observability/tracing';
import { openDecisionStore } from '../store/decision-store';
import { apiMetricsFor, createApi } from './app';
import { apiConnectionOptions } from './temporal-connection';

/** The API process: onboarding routes and ComplyCube's webhook, until SIGINT or SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig();
  if (config.api.serviceTokens.length === 0 && config.api.reviewerTokens.length === 0) {
    throw new ConfigError('invalid configuration: set API_SERVICE_TOKENS and/or API_REVIEWER_TOKENS');
  }
  const tracing = installTracing('kyc-api');
  const store = await openDecisionStore(config.store);
  const metrics = apiMetricsFor(store);
  // Lazy: the API starts, and /readyz says so, while Temporal is still coming up.
  const connection = Connection.lazy(apiConnectionOptions(temporalConnectionOptions(config.temporal)));
  const temporal = new Client({ connection, namespace: config.temporal.namespace, interceptors: clientInterceptors() });
  const app = await createApi({
    temporal,
    store,
    taskQueue: config.temporal.taskQueue,
    policy: config.policy,
    webhookSecret: config.complyCube.webhookSecret,
    serviceTokens: config.api.serviceTokens,
    reviewerTokens: config.api.reviewerTokens,
    bodyLimitBytes: config.api.bodyLimitBytes,
    idempotencyRetentionMs: config.api.idempotencyRetentionMs,
    sessionTtlMs: config.api.sessionTtlMs,
    ...(config.api.secureCookies !== undefined ? { secureCookies: config.api.secureCookies } : {}),
    // Evidence for reviewers is read from ComplyCube, never kept: only with a key.
    ...(config.complyCube.apiKey
      ? {
          complyCube: new ComplyCubeClient({
            ...config.complyCube,
            apiKey: config.complyCube.apiKey,
            metrics: metrics.complyCube,
          }),
        }
      : {}),
    metrics,
    logger: createLogger({ level: config.logLevel, format: config.logFormat, name: 'api' }),
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    app.log.info('Shutting down');
    try {
      await app.close();
    } finally {
      await connection.close().catch(() => undefined);
      await store.close();
      await tracing?.shutdown().catch(() => undefined);
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
  await app.listen({ host: config.api.host, port: config.api.port });
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
