/**
 * `npm run bench -- --help`: the product beside a bare Temporal workflow and a naive design, on one
 * server, against the emulator with the same check latencies (bench/options.ts says how).
 */
import { USAGE, UsageError, parseBenchOptions, type BenchOptions, type Design } from './options';
import type { Profile } from './profile';
import type { DesignResult } from './report';
import type { InProcessSystem } from '../system/in-process';
import type { WorkerProcess } from '../system/service-processes';

async function main(options: BenchOptions): Promise<void> {
  const { provideTestDatabase } = await import('../dev/test-postgres');
  if (options.production) {
    // The Temporal server of docker-compose.yml on PostgreSQL, as `npm run test:production` runs it.
    const { startProductionTopology } = await import('../dev/production/topology');
    const topology = await startProductionTopology();
    try {
      await run(
        { ...options, address: topology.temporalAddress, namespace: topology.namespace },
        // Its PostgreSQL's superuser, who may create the bench's own database there.
        { url: topology.adminDatabaseUrl },
      );
    } finally {
      await topology.stop();
    }
    return;
  }

  // The store on PostgreSQL, as in production (PGlite, the embedded default of `npm start`, would
  // put a WebAssembly database on the bench's own cores).
  const server = options.databaseUrl ? undefined : await provideTestDatabase((line) => console.log(line));
  try {
    await run(options, server);
  } finally {
    await server?.stop();
  }
}

/** The bench on `server`'s PostgreSQL (a database of its own there), or on `--database-url`. */
async function run(options: BenchOptions, server: { url: string } | undefined): Promise<void> {
  const { startInProcessSystem } = await import('../system/in-process');
  const { startWorkerProcess } = await import('../system/service-processes');
  const { freshDatabase } = await import('../system/fresh-database');
  const { CACHE_HEADROOM, PROBED_WORKER_ENV } = await import('./memory');
  // A database of the bench's own, so nothing it leaves (thousands of cases on the review queue)
  // shows in the tests' shared one; dropped at the end.
  const ownDatabase = server ? await freshDatabase(server.url, 'bench') : undefined;
  const databaseUrl = options.databaseUrl ?? ownDatabase!.url;
  // Traces exported over OTLP/HTTP by this process (API and in-process worker) and the workers'.
  const sink = options.tracing ? await (await import('./otlp-sink')).startOtlpSink() : undefined;
  if (sink) process.env.OTEL_EXPORTER_OTLP_ENDPOINT = sink.endpoint;
  const tracing = sink ? (await import('../observability/tracing')).installTracing('kyc-bench') : undefined;
  const system = await startInProcessSystem({
    ...(tracing ? { tracing } : {}),
    ...(options.address ? { temporal: { address: options.address, namespace: options.namespace } } : {}),
    worker: options.workers === 0,
    databaseUrl,
    ...(options.taskQueueLimit ? { complyCubeRateLimit: options.taskQueueLimit } : {}),
    emulator: { checkLatencyMs: options.latencyMs, rateLimitPerSecond: options.complyCubeLimit ?? 0 },
    // ComplyCube is a service of its own: its emulator stamps calls as they arrive, not when a
    // process also serving the API and the bench gets round to them.
    emulatorProcess: true,
  });
  const workers: WorkerProcess[] = [];
  try {
    for (let i = 0; i < options.workers; i += 1) {
      workers.push(
        await startWorkerProcess(system, {
          env: {
            DATABASE_URL: databaseUrl,
            WORKER_AUTO_PROMOTE: 'always',
            // No limit asked for: none (the workers' default would be the sandbox's 5/s).
            COMPLYCUBE_RATE_LIMIT: String(options.taskQueueLimit ?? 1000),
            // The memory comparison: every waiting onboarding in the cache, and the heap probe.
            ...(options.memory
              ? { WORKER_MAX_CACHED_WORKFLOWS: String(options.memory + CACHE_HEADROOM), ...PROBED_WORKER_ENV }
              : {}),
          },
        }),
      );
    }
    if (options.memory) {
      const { runMemoryComparison } = await import('./memory');
      await runMemoryComparison(system, workers, options);
    } else if (options.review) {
      const { runReviewLoad } = await import('./review-load');
      await runReviewLoad(system, workers, options);
    } else {
      await compareDesigns(system, options);
    }
  } finally {
    for (const worker of workers) await worker.stop();
    await system.close();
    await ownDatabase?.drop();
    await tracing?.shutdown();
    if (sink) console.log(`traces exported: ${sink.exports().requests} OTLP requests, ${sink.exports().bytes} bytes`);
    await sink?.close();
  }
}

/** Each design in turn on the same system, then the table, and where the time goes if asked. */
async function compareDesigns(system: InProcessSystem, options: BenchOptions): Promise<void> {
  const { baselineRunner, measure, productRunner } = await import('./runners');
  const { printReport } = await import('./report');
  const { LEDGER_FEEDS } = await import('../store/ledger');
  const { PAYLOAD_ENCRYPTION } = await import('../security/payload-codec');
  const { printProfile, profileRuns } = await import('./profile');
  const results: DesignResult[] = [];
  const profiles: [Design, Profile][] = [];
  for (const design of options.designs) {
    console.log(
      `Running ${options.onboardings} onboardings of the ${design} design, ${options.concurrency} at a time…`,
    );
    const isProduct = design === 'product' || design === 'product-without-ledger' || design === 'product-without-codec';
    // The product as it ships, or with its store's writes feeding no ledger, or its payloads sent
    // unencrypted: what the ledger and the codec cost.
    LEDGER_FEEDS.on = design !== 'product-without-ledger';
    // The baselines' workers have no codec: their payloads go in clear, as a bare workflow's would.
    PAYLOAD_ENCRYPTION.on = isProduct && design !== 'product-without-codec';
    const product = isProduct ? productRunner(system) : undefined;
    const runner = product ?? (await baselineRunner(system, design as 'bare' | 'naive', options));
    try {
      const result = await measure(system, design, runner, options);
      results.push(result);
      if (product?.retried)
        console.log(`  the API answered 503 to ${product.retried} start(s) under the burst; retried`);
      if (options.profile) {
        const slower = Math.max(...Object.values(options.latencyMs));
        profiles.push([design, await profileRuns(system, result, slower)]);
      }
    } finally {
      await runner.close();
    }
  }
  printReport(
    results,
    `${options.onboardings} clear onboardings per design, ${options.concurrency} at a time; checks take ` +
      `${options.latencyMs.identity_fraud_check} and ${options.latencyMs.enhanced_identity_check} ms; ` +
      `${options.workers ? `${options.workers} worker processes` : 'one worker in this process'}` +
      `${options.complyCubeLimit ? `; ComplyCube limited to ${options.complyCubeLimit} requests/s` : ''}` +
      `${options.taskQueueLimit ? `; workers capped at ${options.taskQueueLimit} requests/s` : ''}; ` +
      `traces ${options.tracing ? 'exported (OTLP/HTTP)' : 'off'}; ` +
      `Temporal ${options.production ? `server of docker-compose.yml on PostgreSQL (${options.address})` : (options.address ?? 'dev server of its own')}. Overhead: time to decision minus the slower check.`,
  );
  for (const [design, profile] of profiles) printProfile(design, profile);
}

let options: BenchOptions | undefined;
try {
  options = parseBenchOptions(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`${error.message}\n\n${USAGE}`);
  process.exit(2);
}
if (!options) {
  console.log(USAGE);
} else {
  main(options).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
