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
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { apiConnectionOptions } from '../api/temporal-connection';
import { createEmulator, type Emulator } from '../complycube-emulator/emulator';
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
import { assertPortsFree, portSetting, startPorts } from './start-ports';
import { findOrBuildTemporalCli } from './temporal-cli';

const root = path.resolve(__dirname, '..');
const DEV_SERVICE_TOKEN = 'dev-service-token-change-me';
const DEV_REVIEWER_TOKEN = 'dev-reviewer-token-change-me';
const EMULATOR_KEY = 'test_emulator_key';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger({ level: config.logLevel, format: config.logFormat });
  // Its own dev server, unless TEMPORAL_ADDRESS names a server to use: never one it did not start.
  const externalTemporal = process.env.TEMPORAL_ADDRESS ? config.temporal.address : undefined;
  const host = '127.0.0.1';
  const temporalPort = portSetting(process.env, 'TEMPORAL_DEV_PORT', 7233);
  const uiPort = portSetting(process.env, 'TEMPORAL_UI_PORT', Math.min(temporalPort + 1000, 65535));
  const emulatorPort = portSetting(process.env, 'EMULATOR_PORT', 8787);
  mkdirSync(path.join(root, '.data'), { recursive: true });
  // This runner owns SIGINT/SIGTERM, to stop the parts in reverse order; the SDK must not act on them too.
  // On a laptop the worker's metrics listen on loopback unless WORKER_METRICS_ADDRESS says otherwise.
  const workerMetrics = process.env.WORKER_METRICS_ADDRESS ? config.workerMetricsAddress : '127.0.0.1:9464';
  // Every port checked before anything starts, so a taken one is named at once with what moves it.
  await assertPortsFree(
    startPorts(config, {
      ...(externalTemporal ? {} : { temporal: { host, port: temporalPort, uiPort } }),
      ...(config.complyCube.apiKey ? {} : { emulatorPort }),
      ...(workerMetrics ? { workerMetrics } : {}),
    }),
  );
  installWorkerRuntime({ logger: temporalLogger(log, 'WARN'), metricsAddress: workerMetrics, shutdownSignals: [] });
  const tracing = installTracing('kyc-onboarding');

  const stops: { name: string; stop: () => Promise<unknown> }[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    for (const { name, stop } of stops.reverse()) {
      await stop().then(
        () => console.log(`  stopped ${name}`),
        (error: unknown) => console.error(`  stopping ${name} failed: ${(error as Error).message}`),
      );
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  try {
    ensureConsoleBuilt();
    const server = externalTemporal ? undefined : await startOwnDevServer(host, temporalPort, uiPort, config);
    if (server) {
      stops.push({ name: 'the Temporal dev server', stop: () => server.stop() });
      // Everything here needs it: if it goes, say so and stop, rather than fail request by request.
      void server.exited.then((code) => {
        if (stopping) return;
        console.error(`The Temporal dev server exited (code ${code}).`);
        void stopAll(1);
      });
    }
    const temporalOptions = server ? { address: server.address } : temporalConnectionOptions(config.temporal);
    const namespace = config.temporal.namespace;
    const nativeConnection = await NativeConnection.connect(temporalOptions);
    const clientConnection = await Connection.connect(apiConnectionOptions(temporalOptions));
    stops.push({
      name: 'the Temporal connections',
      stop: async () => {
        await clientConnection.close();
        await nativeConnection.close();
      },
    });
    const client = temporalClient(clientConnection, namespace);
    if (tracing) stops.push({ name: 'the trace exporter', stop: () => tracing.shutdown() });

    const store: DecisionStore = await openDecisionStore(config.store);
    stops.push({ name: 'the decision store', stop: () => store.close() });

    let emulator: Emulator | undefined;
    let complyCubeUrl = config.complyCube.baseUrl;
    let complyCubeKey = config.complyCube.apiKey;
    if (!complyCubeKey) {
      emulator = createEmulator({ apiKeys: [EMULATOR_KEY] });
      complyCubeUrl = await emulator.listen(emulatorPort);
      complyCubeKey = EMULATOR_KEY;
      stops.push({ name: 'the ComplyCube emulator', stop: () => emulator!.close() });
    }

    const devTokens = config.api.serviceTokens.length === 0 && config.api.reviewerTokens.length === 0;
    // The configuration as this runner completes it: its own ComplyCube emulator and dev tokens.
    const system = {
      ...config,
      complyCube: { ...config.complyCube, baseUrl: complyCubeUrl, apiKey: complyCubeKey },
      api: {
        ...config.api,
        serviceTokens: devTokens ? [{ name: 'dev-backend', token: DEV_SERVICE_TOKEN }] : config.api.serviceTokens,
        reviewerTokens: devTokens ? [{ name: 'dev-reviewer', token: DEV_REVIEWER_TOKEN }] : config.api.reviewerTokens,
      },
    };
    const build = await loadWorkflowBuild();
    const { deploymentName } = config.deployment;
    const buildId = workerBuildId(system, build);
    const worker = await composeWorker(system, { connection: nativeConnection, store, build, tracing });
    const workerRun = worker.run();
    stops.push({
      name: 'the worker',
      stop: async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await workerRun;
      },
    });
    // A developer never promotes by hand: this build becomes current as soon as it polls.
    let versionLine = `Worker unversioned (TEMPORAL_WORKER_VERSIONING=false), build ${buildId}`;
    if (deploymentName) {
      const promotion = await promoteWorkerVersion(system, { client, buildId, policy: 'always' });
      versionLine = describePromotion({ deploymentName, buildId }, promotion);
      if (promotion.kind === 'not-promoted') throw new Error(versionLine);
    }
    // Every code change adds a version to the dev server's deployment; keep the newest few.
    if (deploymentName) await pruneOldVersions(client, deploymentName, 10).catch(() => 0);

    let webhookSecret = config.complyCube.webhookSecret;
    const api = await composeApi(system, {
      temporal: client,
      store,
      webhookSecret: () => webhookSecret,
      logger: log.child({ name: 'api' }),
    });
    const apiUrl = await api.listen({ host: config.api.host, port: config.api.port });
    stops.push({ name: 'the API', stop: () => api.close() });

    if (emulator) {
      webhookSecret = (await registerWebhook(complyCubeUrl, EMULATOR_KEY, `${apiUrl}/webhooks/complycube`, 'npm start'))
        .secret;
    }
    // "Running" only once a start would succeed: the version is current (above) and the API ready.
    await untilReady(`${apiUrl}/readyz`);

    console.log(`
KYC onboarding orchestrator is running. Ctrl-C stops everything.

  Temporal          ${temporalOptions.address}  (${server ? '' : 'TEMPORAL_ADDRESS; '}namespace ${namespace}, task queue ${config.temporal.taskQueue})
  Temporal UI       ${server ? `http://${host}:${uiPort}` : 'that of the server at TEMPORAL_ADDRESS'}
  Worker            ${versionLine}
  Review console    ${apiUrl}/console/   (sign in with the reviewer token)
  API               ${apiUrl}   (docs: ${apiUrl}/docs)
  Metrics           API ${apiUrl}/metrics   worker ${workerMetrics ? `http://${workerMetrics}/metrics` : 'off'}   traces ${tracing ? 'exported over OTLP' : 'off (set OTEL_EXPORTER_OTLP_ENDPOINT)'}
  ComplyCube        ${emulator ? `${complyCubeUrl}  (emulator; API key ${EMULATOR_KEY})` : complyCubeUrl}
  Decision store    ${'databaseUrl' in config.store ? 'PostgreSQL (DATABASE_URL)' : `embedded, ${path.relative(root, config.store.dataDir ?? '')}`}
${devTokens ? `  Dev tokens        service: ${DEV_SERVICE_TOKEN}   reviewer (dev-reviewer): ${DEV_REVIEWER_TOKEN}\n` : ''}`);
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    await stopAll(1);
  }
}

/** The dev server on `host:port`, its data in `.data/temporal.db`, and the UI on `uiPort`. */
async function startOwnDevServer(host: string, port: number, uiPort: number, config: Config): Promise<DevServer> {
  const cli = await findOrBuildTemporalCli();
  if (!cli) throw new ConfigError('npm start needs the Temporal CLI: install Go, or put `temporal` on PATH');
  console.log('Starting the Temporal dev server…');
  return startDevServer({
    cli,
    ip: host,
    port,
    uiPort,
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
