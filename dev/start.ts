/**
 * `npm start`: the whole system on embedded defaults, in one terminal.
 *
 * - a Temporal dev server with the Web UI, its data in `.data/temporal.db` (kept across restarts)
 * - the decision store: embedded PGlite in `.data/decisions`, or PostgreSQL with DATABASE_URL
 * - the ComplyCube emulator, when COMPLYCUBE_API_KEY is not set, with the API's webhook registered
 * - a worker, made the current version of its deployment, and the API
 *
 * Ctrl-C stops everything, in reverse order: the API, the worker, the emulator, the store, and
 * Temporal last.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection, type Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { apiConnectionOptions } from '../api/temporal-connection';
import { createEmulator } from '../complycube-emulator/emulator';
import { registerWebhook } from '../complycube-emulator/seed-applicant';
import { ConfigError, loadConfig, temporalConnectionOptions, type Config } from '../config/config';
import { createLogger } from '../config/logging';
import { installTracing } from '../observability/tracing';
import { openDecisionStore, type DecisionStore } from '../store/decision-store';
import { composeApi, composeWorker, promoteWorkerVersion, temporalClient, workerBuildId } from '../system/compose';
import { installWorkerRuntime } from '../system/worker-runtime';
import { describePromotion, pruneOldVersions } from '../worker/deployment';
import { temporalLogger } from '../worker/logging';
import { loadWorkflowBuild } from '../worker/workflow-build';
import { onboardingStatusSearchAttribute } from '../workflows/onboarding-contract';
import { ensureConsoleBuilt } from './console-build';
import { startDevServer, type DevServer } from './dev-server';
import { devEnvironment } from './dev-defaults';
import { DEV_TOKENS, EMULATOR_KEY, startBanner } from './start-banner';
import { assertPortsFree, portSetting, startPorts } from './start-ports';
import { Stopper } from './stopper';
import { findOrBuildTemporalCli } from './temporal-cli';

const root = path.resolve(__dirname, '..');
const host = '127.0.0.1';

/** Where each part listens, from the environment; `externalTemporal` is a server this runner did not start. */
function placesOf(config: Config) {
  const temporalPort = portSetting(process.env, 'TEMPORAL_DEV_PORT', 7233);
  return {
    // Its own dev server, unless TEMPORAL_ADDRESS names a server to use: never one it did not start.
    externalTemporal: process.env.TEMPORAL_ADDRESS ? config.temporal.address : undefined,
    temporalPort,
    uiPort: portSetting(process.env, 'TEMPORAL_UI_PORT', Math.min(temporalPort + 1000, 65535)),
    emulatorPort: portSetting(process.env, 'EMULATOR_PORT', 8787),
    // On a laptop the worker's metrics listen on loopback unless WORKER_METRICS_ADDRESS says otherwise.
    workerMetrics: process.env.WORKER_METRICS_ADDRESS ? config.workerMetricsAddress : '127.0.0.1:9464',
  };
}
type Places = ReturnType<typeof placesOf>;

async function main(): Promise<void> {
  mkdirSync(path.join(root, '.data'), { recursive: true });
  const config = loadConfig(devEnvironment(process.env, path.join(root, '.data')));
  const log = createLogger({ level: config.logLevel, format: config.logFormat });
  const places = placesOf(config);
  // The Temporal UI decodes payloads through the API's codec server: admit its origin (CORS).
  if (!process.env.CODEC_CORS_ORIGINS && !places.externalTemporal) {
    config.api.codecCorsOrigins = [`http://${host}:${places.uiPort}`, `http://localhost:${places.uiPort}`];
  }
  // Every port checked before anything starts, so a taken one is named at once with what moves it.
  await assertPortsFree(
    startPorts(config, {
      ...(places.externalTemporal ? {} : { temporal: { host, port: places.temporalPort, uiPort: places.uiPort } }),
      ...(config.complyCube.apiKey ? {} : { emulatorPort: places.emulatorPort }),
      ...(places.workerMetrics ? { workerMetrics: places.workerMetrics } : {}),
    }),
  );
  // This runner owns SIGINT/SIGTERM, to stop the parts in reverse order; the SDK must not act on them too.
  installWorkerRuntime({
    logger: temporalLogger(log, 'WARN'),
    metricsAddress: places.workerMetrics,
    shutdownSignals: [],
  });
  const stopper = new Stopper();
  try {
    ensureConsoleBuilt();
    const temporal = await connectTemporal(config, places, stopper);
    const tracing = installTracing('kyc-onboarding');
    if (tracing) stopper.add('the trace exporter', () => tracing.shutdown());
    const store: DecisionStore = await openDecisionStore(config.store);
    stopper.add('the decision store', () => store.close());
    const system = await withComplyCube(config, places.emulatorPort, stopper);
    const build = await loadWorkflowBuild();
    const worker = await composeWorker(system.config, {
      connection: temporal.native,
      temporal: temporal.client,
      store,
      build,
      tracing,
    });
    const workerRun = worker.run();
    stopper.add('the worker', async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await workerRun;
    });
    const versionLine = await makeCurrent(system.config, temporal.client, workerBuildId(system.config, build));
    const apiUrl = await startApi(system, temporal.client, store, log, stopper);
    console.log(
      startBanner({
        config: system.config,
        temporalAddress: temporal.address,
        ui: temporal.server ? `http://${host}:${places.uiPort}` : undefined,
        versionLine,
        apiUrl,
        workerMetrics: places.workerMetrics,
        tracing: Boolean(tracing),
        emulator: system.emulator,
        devTokens: system.devTokens,
        storeDir: 'databaseUrl' in config.store ? undefined : path.relative(root, config.store.dataDir ?? ''),
      }),
    );
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    await stopper.stopAll(1);
  }
}

/** Its own dev server (or the one TEMPORAL_ADDRESS names), and the worker's and the API's connections to it. */
async function connectTemporal(config: Config, places: Places, stopper: Stopper) {
  const server = places.externalTemporal
    ? undefined
    : await startOwnDevServer(places.temporalPort, places.uiPort, config);
  if (server) {
    stopper.add('the Temporal dev server', () => server.stop());
    // Everything here needs it: if it goes, say so and stop, rather than fail request by request.
    void server.exited.then((code) => {
      if (stopper.stopping) return;
      console.error(`The Temporal dev server exited (code ${code}).`);
      void stopper.stopAll(1);
    });
  }
  const options = server ? { address: server.address } : temporalConnectionOptions(config.temporal);
  const native = await NativeConnection.connect(options);
  const clientConnection = await Connection.connect(apiConnectionOptions(options));
  stopper.add('the Temporal connections', async () => {
    await clientConnection.close();
    await native.close();
  });
  return {
    server,
    address: options.address,
    native,
    client: temporalClient(clientConnection, config.temporal.namespace, config.payloadCodecKeys),
  };
}

/**
 * The configuration as this runner completes it: its own ComplyCube emulator when no key is set,
 * and dev tokens when none are configured.
 */
async function withComplyCube(config: Config, emulatorPort: number, stopper: Stopper) {
  let { baseUrl, apiKey } = config.complyCube;
  let emulator: { url: string; key: string } | undefined;
  if (!apiKey) {
    const running = createEmulator({ apiKeys: [EMULATOR_KEY] });
    baseUrl = await running.listen(emulatorPort);
    apiKey = EMULATOR_KEY;
    emulator = { url: baseUrl, key: EMULATOR_KEY };
    stopper.add('the ComplyCube emulator', () => running.close());
  }
  const devTokens = config.api.serviceTokens.length === 0 && config.api.reviewerTokens.length === 0;
  const api = devTokens
    ? {
        ...config.api,
        serviceTokens: [DEV_TOKENS.service],
        reviewerTokens: [DEV_TOKENS.reviewer, DEV_TOKENS.reviewer2],
        seniorReviewerTokens: [DEV_TOKENS.senior],
        auditorTokens: [DEV_TOKENS.auditor],
      }
    : config.api;
  return { config: { ...config, complyCube: { ...config.complyCube, baseUrl, apiKey }, api }, emulator, devTokens };
}
type RunnerSystem = Awaited<ReturnType<typeof withComplyCube>>;

/** A developer never promotes by hand: this build becomes current as soon as it polls. */
async function makeCurrent(config: Config, client: Client, buildId: string): Promise<string> {
  const { deploymentName } = config.deployment;
  if (!deploymentName) return `Worker unversioned (TEMPORAL_WORKER_VERSIONING=false), build ${buildId}`;
  const promotion = await promoteWorkerVersion(config, { client, buildId, policy: 'always' });
  const line = describePromotion({ deploymentName, buildId }, promotion);
  if (promotion.kind === 'not-promoted') throw new Error(line);
  // Every code change adds a version to the dev server's deployment; keep the newest few.
  await pruneOldVersions(client, deploymentName, 10).catch(() => 0);
  return line;
}

/** The API, with the emulator's webhook pointed at it; resolves once a start would succeed. */
async function startApi(
  system: RunnerSystem,
  client: Client,
  store: DecisionStore,
  log: ReturnType<typeof createLogger>,
  stopper: Stopper,
): Promise<string> {
  let webhookSecret = system.config.complyCube.webhookSecret;
  const api = await composeApi(system.config, {
    temporal: client,
    store,
    webhookSecret: () => webhookSecret,
    logger: log.child({ name: 'api' }),
  });
  const apiUrl = await api.listen({ host: system.config.api.host, port: system.config.api.port });
  stopper.add('the API', () => api.close());
  if (system.emulator) {
    const webhookUrl = `${apiUrl}/webhooks/complycube`;
    webhookSecret = (await registerWebhook(system.emulator.url, system.emulator.key, webhookUrl, 'npm start')).secret;
  }
  // "Running" only once a start would succeed: the version is current (before this) and the API ready.
  await untilReady(`${apiUrl}/readyz`);
  return apiUrl;
}

/** The dev server on `host:port`, its data in `.data/temporal.db`, and the UI on `uiPort`. */
async function startOwnDevServer(port: number, uiPort: number, config: Config): Promise<DevServer> {
  const cli = await findOrBuildTemporalCli();
  if (!cli) throw new ConfigError('npm start needs the Temporal CLI: install Go, or put `temporal` on PATH');
  console.log('Starting the Temporal dev server…');
  return startDevServer({
    cli,
    ip: host,
    port,
    uiPort,
    // The UI asks the API's codec server to decrypt what it shows (docs/payload-encryption.md).
    uiCodecEndpoint: `http://${host}:${config.api.port}/codec`,
    dbFilename: path.join(root, '.data', 'temporal.db'),
    namespace: config.temporal.namespace,
    searchAttributes: [`${onboardingStatusSearchAttribute.name}=Keyword`],
  });
}

/** Waits for `url` to answer 200, for up to 30 s. */
async function untilReady(url: string): Promise<void> {
  const until = Date.now() + 30_000;
  for (let last = ''; ; await new Promise((resolve) => setTimeout(resolve, 250))) {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) }).catch((error: Error) => error);
    if (!(response instanceof Error) && response.ok) return;
    last = response instanceof Error ? response.message : `${response.status} ${await response.text()}`;
    if (Date.now() > until) throw new Error(`the API did not become ready (${url}: ${last})`);
  }
}

// What is refused before anything starts (the configuration, a taken port) is said in one message.
main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
