/**
 * The bare baseline's worker as a process of its own, as the product's runs (`worker/main.ts`), so
 * the bench can compare the two processes' memory at the same cache size. Settings from the
 * environment: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, BENCH_TASK_QUEUE, COMPLYCUBE_BASE_URL,
 * COMPLYCUBE_API_KEY, WORKER_MAX_CACHED_WORKFLOWS.
 */
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { baselineWorkerParts } from './worker-parts';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address: required('TEMPORAL_ADDRESS') });
  const cache = Number(process.env.WORKER_MAX_CACHED_WORKFLOWS ?? 0);
  const worker = await Worker.create({
    connection,
    namespace: required('TEMPORAL_NAMESPACE'),
    taskQueue: required('BENCH_TASK_QUEUE'),
    ...(await baselineWorkerParts({
      baseUrl: required('COMPLYCUBE_BASE_URL'),
      apiKey: required('COMPLYCUBE_API_KEY'),
    })),
    ...(cache > 0 ? { maxCachedWorkflows: cache } : {}),
  });
  process.once('SIGTERM', () => worker.shutdown());
  process.once('SIGINT', () => worker.shutdown());
  console.log('Worker polling');
  await worker.run();
  await connection.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
