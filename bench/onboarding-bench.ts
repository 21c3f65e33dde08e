/**
 * `npm run bench -- --help`: the product beside a bare Temporal workflow and a naive design, on one
 * server, against the emulator with the same check latencies (bench/options.ts says how).
 */
import { USAGE, UsageError, parseBenchOptions, type BenchOptions } from './options';
import type { DesignResult } from './report';

async function main(options: BenchOptions): Promise<void> {
  // The test system reads an external server from the environment when it loads.
  if (options.address) {
    process.env.TEST_TEMPORAL_ADDRESS = options.address;
    process.env.TEST_TEMPORAL_NAMESPACE = options.namespace;
  }
  const { startTestSystem, TEST_DATABASE_URL } = await import('../test/helpers/system');
  const { startWorkerProcess } = await import('../test/helpers/processes');
  const { baselineRunner, measure, productRunner } = await import('./runners');
  const { printReport } = await import('./report');

  const databaseUrl = options.databaseUrl ?? (options.workers > 0 ? TEST_DATABASE_URL : undefined);
  const system = await startTestSystem({
    worker: options.workers === 0,
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(options.taskQueueLimit ? { complyCubeRateLimit: options.taskQueueLimit } : {}),
    emulator: { checkLatencyMs: options.latencyMs, rateLimitPerSecond: options.complyCubeLimit ?? 0 },
  });
  const workers = [];
  const results: DesignResult[] = [];
  try {
    for (let i = 0; i < options.workers; i += 1) {
      workers.push(
        await startWorkerProcess(system, {
          ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
          WORKER_AUTO_PROMOTE: 'always',
          ...(options.taskQueueLimit ? { COMPLYCUBE_RATE_LIMIT: String(options.taskQueueLimit) } : {}),
        }),
      );
    }
    for (const design of options.designs) {
      console.log(
        `Running ${options.onboardings} onboardings of the ${design} design, ${options.concurrency} at a time…`,
      );
      const runner = design === 'product' ? productRunner(system) : await baselineRunner(system, design, options);
      try {
        results.push(await measure(system, design, runner, options));
      } finally {
        await runner.close();
      }
    }
  } finally {
    for (const worker of workers) await worker.stop();
    await system.close();
  }
  printReport(
    results,
    `${options.onboardings} clear onboardings per design, ${options.concurrency} at a time; checks take ` +
      `${options.latencyMs.identity_fraud_check} and ${options.latencyMs.enhanced_identity_check} ms; ` +
      `${options.workers ? `${options.workers} worker processes` : 'one worker in this process'}` +
      `${options.complyCubeLimit ? `; ComplyCube limited to ${options.complyCubeLimit} requests/s` : ''}` +
      `${options.taskQueueLimit ? `; workers capped at ${options.taskQueueLimit} requests/s` : ''}; ` +
      `Temporal ${options.address ?? 'dev server of its own'}. Overhead: time to decision minus the slower check.`,
  );
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
