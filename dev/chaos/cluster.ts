/**
 * The system as separate processes, for the chaos suite: a Temporal dev server on a file (so it
 * can be killed and come back with its data), the ComplyCube emulator, two workers and two APIs,
 * the decision store on a fresh PostgreSQL database. Every part but the emulator and PostgreSQL
 * can be killed with SIGKILL and started again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freshDatabase } from '../../system/fresh-database';
import { registerWebhook } from '../../complycube-emulator/seed-applicant';
import { startDevServer, type DevServer } from '../dev-server';
import { findOrBuildTemporalCli } from '../temporal-cli';
import { freePort } from '../test-postgres';
import { onboardingStatusSearchAttribute } from '../../workflows/onboarding-contract';
import { spawnNodeService, waitUntilReady, type ServiceProcess } from '../../system/service-processes';

export const CHAOS_EMULATOR_KEY = 'test_chaos_key';
export const CHAOS_SERVICE_TOKEN = 'chaos-service-token-0123456789';
export const CHAOS_REVIEWER_TOKEN = 'chaos-reviewer-token-0123456789';

export interface Cluster {
  temporalAddress: string;
  emulatorUrl: string;
  emulatorRoot: string;
  apiUrls: string[];
  databaseUrl: string;
  /** SIGKILL of the part; it is started again by `restart`. */
  kill(part: Part): Promise<void>;
  restart(part: Part): Promise<void>;
  isUp(part: Part): boolean;
  stop(): Promise<void>;
}

export type Part = { kind: 'worker'; index: number } | { kind: 'api'; index: number } | { kind: 'temporal' };

export async function startCluster(options: { postgresUrl: string; log: (line: string) => void }): Promise<Cluster> {
  const { log } = options;
  const work = mkdtempSync(path.join(tmpdir(), 'kyc-chaos-'));
  const cli = await findOrBuildTemporalCli();
  if (!cli) throw new Error('the chaos suite needs the Temporal CLI');
  const database = await freshDatabase(options.postgresUrl, 'chaos');
  const temporalPort = await freePort();
  const temporalAddress = `127.0.0.1:${temporalPort}`;
  const serverOptions = {
    cli,
    ip: '127.0.0.1',
    port: temporalPort,
    dbFilename: path.join(work, 'temporal.db'),
    namespace: 'default',
    searchAttributes: [`${onboardingStatusSearchAttribute.name}=Keyword`],
  };
  let temporal: DevServer | undefined = await startDevServer(serverOptions);

  const emulatorPort = await freePort();
  const emulatorProcess = spawnNodeService('complycube-emulator/main.ts', {
    EMULATOR_PORT: String(emulatorPort),
    EMULATOR_API_KEYS: CHAOS_EMULATOR_KEY,
    EMULATOR_RATE_LIMIT_PER_SECOND: '0',
    EMULATOR_FRAUD_CHECK_LATENCY_MS: '300',
    EMULATOR_ENHANCED_CHECK_LATENCY_MS: '700',
    // ComplyCube's redelivery schedule (60 s, 120 s, 480 s, …) fifty times faster.
    EMULATOR_WEBHOOK_RETRY_TIME_SCALE: '0.02',
    EMULATOR_LOG: 'false',
  });
  const emulatorRoot = `http://127.0.0.1:${emulatorPort}`;
  const emulatorUrl = `${emulatorRoot}/v1`;
  await waitUntilReady(
    emulatorProcess,
    'emulator',
    () =>
      fetch(`${emulatorRoot}/_emulator/faults`).then(
        (r) => r.ok,
        () => false,
      ),
    30_000,
  );

  // Every event goes to both APIs, as a retrying sender behind a load balancer may deliver it.
  const apiPorts = [await freePort(), await freePort()];
  const secrets: string[] = [];
  for (const port of apiPorts) {
    secrets.push(
      (await registerWebhook(emulatorUrl, CHAOS_EMULATOR_KEY, `http://127.0.0.1:${port}/webhooks/complycube`)).secret,
    );
  }
  const shared = {
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: 'onboarding',
    DATABASE_URL: database.url,
    DATABASE_POOL_MAX: '5',
    LOG_FORMAT: 'json',
  };
  const workerEnv = {
    ...shared,
    COMPLYCUBE_API_KEY: CHAOS_EMULATOR_KEY,
    COMPLYCUBE_BASE_URL: emulatorUrl,
    COMPLYCUBE_TIMEOUT_MS: '2000',
    WORKER_AUTO_PROMOTE: 'always',
  };
  const apiEnv = (index: number) => ({
    ...shared,
    API_HOST: '127.0.0.1',
    API_PORT: String(apiPorts[index]),
    API_SERVICE_TOKENS: `chaos-backend:${CHAOS_SERVICE_TOKEN}`,
    API_REVIEWER_TOKENS: `chaos-reviewer:${CHAOS_REVIEWER_TOKEN}`,
    COMPLYCUBE_WEBHOOK_SECRET: secrets[index]!,
    // Lost webhooks are made up for by polling soon, not after 30 s.
    POLICY_POLL_INTERVAL: '2s',
    POLICY_MAX_POLL_INTERVAL: '5s',
    POLICY_CALL_TIMEOUT: '5s',
    // One reviewer decides each case here: four-eyes is the review desk's tests' concern.
    POLICY_SECOND_APPROVAL: 'never',
  });

  const startWorker = async () => {
    // Each worker its own metrics port: two run on this host at once.
    const worker = spawnNodeService('worker/main.ts', {
      ...workerEnv,
      WORKER_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`,
    });
    await waitUntilReady(worker, 'worker', async () => worker.output().includes('Worker polling'), 90_000);
    return worker;
  };
  const startApi = async (index: number) => {
    const api = spawnNodeService('api/main.ts', apiEnv(index));
    const url = `http://127.0.0.1:${apiPorts[index]}`;
    await waitUntilReady(
      api,
      'API',
      () =>
        fetch(`${url}/healthz`).then(
          (r) => r.ok,
          () => false,
        ),
      30_000,
    );
    return api;
  };
  const workers: (ServiceProcess | undefined)[] = await Promise.all([startWorker(), startWorker()]);
  const apis: (ServiceProcess | undefined)[] = await Promise.all([startApi(0), startApi(1)]);
  log(`cluster up: Temporal ${temporalAddress}, APIs ${apiPorts.join(', ')}, emulator ${emulatorPort}`);

  const cluster: Cluster = {
    temporalAddress,
    emulatorUrl,
    emulatorRoot,
    apiUrls: apiPorts.map((port) => `http://127.0.0.1:${port}`),
    databaseUrl: database.url,
    isUp(part) {
      if (part.kind === 'temporal') return temporal !== undefined;
      return (part.kind === 'worker' ? workers : apis)[part.index] !== undefined;
    },
    async kill(part) {
      if (part.kind === 'temporal') {
        await temporal?.kill();
        temporal = undefined;
        return;
      }
      const list = part.kind === 'worker' ? workers : apis;
      await list[part.index]?.kill();
      list[part.index] = undefined;
    },
    async restart(part) {
      if (part.kind === 'temporal') {
        temporal ??= await startDevServer(serverOptions);
      } else if (part.kind === 'worker') {
        workers[part.index] ??= await startWorker();
      } else {
        apis[part.index] ??= await startApi(part.index);
      }
    },
    async stop() {
      await Promise.all([...apis, ...workers].flatMap((service) => (service ? [service.stop()] : [])));
      await temporal?.stop();
      await emulatorProcess.stop();
      await database.drop().catch(() => undefined);
      rmSync(work, { recursive: true, force: true });
    },
  };
  return cluster;
}
