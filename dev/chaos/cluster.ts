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
import { PAYLOAD_CODEC_KEYS, REVIEW_ASSERTION_KEYS } from '../../system/in-process-credentials';
import { registerWebhook } from '../../complycube-emulator/seed-applicant';
import { startDevServer, type DevServer } from '../dev-server';
import { findOrBuildTemporalCli } from '../temporal-cli';
import { onboardingStatusSearchAttribute } from '../../workflows/onboarding-contract';
import { freePort, spawnNodeService, waitUntilReady, type ServiceProcess } from '../../system/service-processes';

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
  const temporal: DevServer | undefined = await startDevServer(serverOptions);
  const emulator = await startEmulator();

  // Every event goes to both APIs, as a retrying sender behind a load balancer may deliver it.
  const apiPorts = [await freePort(), await freePort()];
  const secrets: string[] = [];
  for (const port of apiPorts) {
    secrets.push(
      (await registerWebhook(emulator.url, CHAOS_EMULATOR_KEY, `http://127.0.0.1:${port}/webhooks/complycube`)).secret,
    );
  }
  const services = serviceStarters(
    { temporalAddress, databaseUrl: database.url, emulatorUrl: emulator.url, secrets },
    apiPorts,
  );
  const workers: (ServiceProcess | undefined)[] = await Promise.all([services.startWorker(), services.startWorker()]);
  const apis: (ServiceProcess | undefined)[] = await Promise.all([services.startApi(0), services.startApi(1)]);
  log(`cluster up: Temporal ${temporalAddress}, APIs ${apiPorts.join(', ')}, emulator ${emulator.port}`);

  const parts: Parts = { temporal, workers, apis };
  const cluster: Cluster = {
    temporalAddress,
    emulatorUrl: emulator.url,
    emulatorRoot: emulator.root,
    apiUrls: apiPorts.map((port) => `http://127.0.0.1:${port}`),
    databaseUrl: database.url,
    ...partControls(parts, {
      startTemporal: () => startDevServer(serverOptions),
      ...services,
    }),
    async stop() {
      await Promise.all([...parts.apis, ...parts.workers].flatMap((service) => (service ? [service.stop()] : [])));
      await parts.temporal?.stop();
      await emulator.process.stop();
      await database.drop().catch(() => undefined);
      rmSync(work, { recursive: true, force: true });
    },
  };
  return cluster;
}

/** The ComplyCube emulator, quick and without rate limits, once it answers. */
async function startEmulator(): Promise<{ process: ServiceProcess; port: number; root: string; url: string }> {
  const port = await freePort();
  const emulatorProcess = spawnNodeService('complycube-emulator/main.ts', {
    EMULATOR_PORT: String(port),
    EMULATOR_API_KEYS: CHAOS_EMULATOR_KEY,
    EMULATOR_RATE_LIMIT_PER_SECOND: '0',
    EMULATOR_FRAUD_CHECK_LATENCY_MS: '300',
    EMULATOR_ENHANCED_CHECK_LATENCY_MS: '700',
    // ComplyCube's redelivery schedule (60 s, 120 s, 480 s, …) fifty times faster.
    EMULATOR_WEBHOOK_RETRY_TIME_SCALE: '0.02',
    EMULATOR_LOG: 'false',
  });
  const root = `http://127.0.0.1:${port}`;
  await waitUntilReady(
    emulatorProcess,
    'emulator',
    () =>
      fetch(`${root}/_emulator/faults`).then(
        (r) => r.ok,
        () => false,
      ),
    30_000,
  );
  return { process: emulatorProcess, port, root, url: `${root}/v1` };
}

/** Starts a worker or an API (again), each ready when it returns. */
interface ServiceStarters {
  startWorker(): Promise<ServiceProcess>;
  startApi(index: number): Promise<ServiceProcess>;
}

function serviceStarters(
  where: { temporalAddress: string; databaseUrl: string; emulatorUrl: string; secrets: string[] },
  apiPorts: number[],
): ServiceStarters {
  const shared = {
    TEMPORAL_ADDRESS: where.temporalAddress,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: 'onboarding',
    DATABASE_URL: where.databaseUrl,
    DATABASE_POOL_MAX: '5',
    LOG_FORMAT: 'json',
    REVIEW_ASSERTION_KEYS,
    PAYLOAD_CODEC_KEYS,
  };
  const workerEnv = {
    ...shared,
    COMPLYCUBE_API_KEY: CHAOS_EMULATOR_KEY,
    COMPLYCUBE_BASE_URL: where.emulatorUrl,
    COMPLYCUBE_TIMEOUT_MS: '2000',
    WORKER_AUTO_PROMOTE: 'always',
  };
  const apiEnv = (index: number) => ({
    ...shared,
    API_HOST: '127.0.0.1',
    API_PORT: String(apiPorts[index]),
    API_SERVICE_TOKENS: `chaos-backend:${CHAOS_SERVICE_TOKEN}`,
    API_REVIEWER_TOKENS: `chaos-reviewer:${CHAOS_REVIEWER_TOKEN}`,
    COMPLYCUBE_WEBHOOK_SECRET: where.secrets[index]!,
    // Lost webhooks are made up for by polling soon, not after 30 s.
    POLICY_POLL_INTERVAL: '2s',
    POLICY_MAX_POLL_INTERVAL: '5s',
    POLICY_CALL_TIMEOUT: '5s',
    // One reviewer decides each case here: four-eyes is the review desk's tests' concern.
    POLICY_SECOND_APPROVAL: 'never',
  });
  return {
    async startWorker() {
      // Each worker its own metrics port: two run on this host at once.
      const worker = spawnNodeService('worker/main.ts', {
        ...workerEnv,
        WORKER_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`,
      });
      await waitUntilReady(worker, 'worker', async () => worker.output().includes('Worker polling'), 90_000);
      return worker;
    },
    async startApi(index) {
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
    },
  };
}

/** The parts that can be killed; `undefined` while killed. */
interface Parts {
  temporal: DevServer | undefined;
  workers: (ServiceProcess | undefined)[];
  apis: (ServiceProcess | undefined)[];
}

/** `isUp`, `kill` and `restart` over `parts`, restarting with `start`. */
function partControls(
  parts: Parts,
  start: ServiceStarters & { startTemporal(): Promise<DevServer> },
): Pick<Cluster, 'isUp' | 'kill' | 'restart'> {
  return {
    isUp(part) {
      if (part.kind === 'temporal') return parts.temporal !== undefined;
      return (part.kind === 'worker' ? parts.workers : parts.apis)[part.index] !== undefined;
    },
    async kill(part) {
      if (part.kind === 'temporal') {
        await parts.temporal?.kill();
        parts.temporal = undefined;
        return;
      }
      const list = part.kind === 'worker' ? parts.workers : parts.apis;
      await list[part.index]?.kill();
      list[part.index] = undefined;
    },
    async restart(part) {
      if (part.kind === 'temporal') {
        parts.temporal ??= await start.startTemporal();
      } else if (part.kind === 'worker') {
        parts.workers[part.index] ??= await start.startWorker();
      } else {
        parts.apis[part.index] ??= await start.startApi(part.index);
      }
    },
  };
}
