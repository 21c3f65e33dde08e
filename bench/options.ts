/** The benchmark's command line. */
import { parseArgs } from 'node:util';

export const USAGE = `usage: npm run bench -- [options]

Runs the same clear-path onboardings three ways on one Temporal server, against the ComplyCube
emulator with the same check latencies, and prints each one's throughput and time to decision:
  product  this project: started through its API, webhooks, store, review logic
  bare     a bare Temporal workflow: the same four ComplyCube calls, nothing else
  naive    the hand-rolled design: checks one after the other, polled every 5 s
and the product's ratios to both. Also, on request: product-without-ledger, the product with its
store's writes feeding no ledger (docs/ledger.md), to measure what the ledger costs:
  npm run bench -- --designs product,product-without-ledger --onboardings 200 --concurrency 10
and product-without-codec, the product sending its payloads to Temporal unencrypted
(docs/payload-encryption.md), to measure what the codec costs:
  npm run bench -- --designs product,product-without-codec --onboardings 200 --concurrency 10

options
  --onboardings N          onboardings per design (default 50)
  --concurrency N          onboardings in flight at once (default 10)
  --fraud-latency-ms MS    how long the identity fraud check takes (default 1000)
  --enhanced-latency-ms MS how long the enhanced identity check takes (default 2000)
  --designs LIST           which to run, comma-separated (default product,bare,naive)
  --address HOST:PORT      an external Temporal server (default: a dev server of its own)
  --production             the production topology instead, as \`npm run test:production\` builds it:
                           the Temporal server of docker-compose.yml on PostgreSQL, the store on
                           that PostgreSQL; use with --workers
  --namespace NAME         its namespace (default "default")
  --workers N              run the product's workers as N separate processes (default: one in
                           this process)
  --database-url URL       PostgreSQL for the product's store (default: a database of its own,
                           dropped at the end, on the tests' server: TEST_DATABASE_URL's, else
                           127.0.0.1:5432's, else an embedded PostgreSQL)
  --complycube-limit R     the emulator answers 429 past R requests/s in any 1 s; default: no limit
  --task-queue-limit R     the fleet-wide cap on ComplyCube calls of the product's workers
                           (COMPLYCUBE_RATE_LIMIT) and of the baselines' workers, in requests/s;
                           default: --complycube-limit, or none
  --review N               instead: N onboardings that need a review, left waiting; prints the
                           worker processes' memory as they pile up and the review queue page's
                           latency with all N waiting (--workers defaults to 1 here)
  --memory N               instead: worker memory per cached workflow, the product's beside the
                           bare baseline's, each with N onboardings waiting for review in a worker
                           process of its own whose cache holds them all
  --tracing                export traces (OTLP over HTTP, to a receiver in the bench that takes
                           them all), as a deployment with OTEL_EXPORTER_OTLP_ENDPOINT does
  --profile                after the figures, where each design's time goes beyond the slower
                           check: API, workflow tasks, queues, activities, webhooks (median, p90)
  --help                   this text

examples
  npm run bench -- --onboardings 20 --concurrency 1 --profile
  npm run bench -- --onboardings 50 --concurrency 10
  npm run bench -- --review 10000 --concurrency 50 --fraud-latency-ms 200 --enhanced-latency-ms 200
  npm run bench -- --memory 500 --concurrency 20 --fraud-latency-ms 200 --enhanced-latency-ms 200
  npm run bench -- --designs product --onboardings 1000 --concurrency 1000 --workers 4 \\
    --complycube-limit 5 --task-queue-limit 4.75`;

export const DESIGNS = ['product', 'bare', 'naive', 'product-without-ledger', 'product-without-codec'] as const;
export type Design = (typeof DESIGNS)[number];

export interface BenchOptions {
  onboardings: number;
  concurrency: number;
  latencyMs: { identity_fraud_check: number; enhanced_identity_check: number };
  designs: Design[];
  address?: string;
  /** Start the production topology (dev/production/topology.ts) and run on it. */
  production: boolean;
  namespace: string;
  workers: number;
  databaseUrl?: string;
  complyCubeLimit?: number;
  taskQueueLimit?: number;
  profile: boolean;
  /** Export traces, as OTEL_EXPORTER_OTLP_ENDPOINT would. */
  tracing: boolean;
  /** The review-load mode: this many onboardings left waiting for review. */
  review?: number;
  /** The memory mode: this many cached workflows per design. */
  memory?: number;
}

export class UsageError extends Error {}

function count(name: string, value: string | undefined, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, not ${value}`);
  return n;
}

/** The options, or undefined for --help; a UsageError for anything else it cannot take. */
export function parseBenchOptions(argv: string[]): BenchOptions | undefined {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        onboardings: { type: 'string', default: '50' },
        concurrency: { type: 'string', default: '10' },
        'fraud-latency-ms': { type: 'string', default: '1000' },
        'enhanced-latency-ms': { type: 'string', default: '2000' },
        designs: { type: 'string', default: 'product,bare,naive' },
        address: { type: 'string' },
        production: { type: 'boolean', default: false },
        namespace: { type: 'string', default: 'default' },
        workers: { type: 'string', default: '0' },
        'database-url': { type: 'string' },
        'complycube-limit': { type: 'string' },
        'task-queue-limit': { type: 'string' },
        profile: { type: 'boolean', default: false },
        tracing: { type: 'boolean', default: false },
        review: { type: 'string' },
        memory: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return undefined;
  const designs = values.designs.split(',').map((d) => d.trim());
  const unknown = designs.filter((d) => !(DESIGNS as readonly string[]).includes(d));
  if (unknown.length || designs.length === 0) throw new UsageError(`--designs takes ${DESIGNS.join(', ')}`);
  for (const inProcessOnly of ['product-without-ledger', 'product-without-codec']) {
    if (designs.includes(inProcessOnly) && Number(values.workers ?? 0) > 0) {
      throw new UsageError(`${inProcessOnly} runs with the worker in this process (no --workers)`);
    }
  }
  if (values.address && !/^[\w.-]+:\d{1,5}$/.test(values.address)) {
    throw new UsageError(`--address must be host:port, not ${values.address}`);
  }
  if (values.production && (values.address || values['database-url'])) {
    throw new UsageError('--production starts its own Temporal server and PostgreSQL: no --address or --database-url');
  }
  const limit = values['complycube-limit'];
  if (limit !== undefined && !(Number(limit) > 0)) throw new UsageError('--complycube-limit must be a positive number');
  const cap = values['task-queue-limit'] ?? limit;
  if (cap !== undefined && !(Number(cap) > 0)) throw new UsageError('--task-queue-limit must be a positive number');
  return {
    onboardings: count('onboardings', values.onboardings, 1),
    concurrency: count('concurrency', values.concurrency, 1),
    latencyMs: {
      identity_fraud_check: count('fraud-latency-ms', values['fraud-latency-ms'], 0),
      enhanced_identity_check: count('enhanced-latency-ms', values['enhanced-latency-ms'], 0),
    },
    designs: designs as Design[],
    ...(values.address ? { address: values.address } : {}),
    production: values.production,
    namespace: values.namespace,
    workers:
      values.memory !== undefined
        ? 1
        : values.review !== undefined && values.workers === '0'
          ? 1
          : count('workers', values.workers, 0),
    ...(values['database-url'] ? { databaseUrl: values['database-url'] } : {}),
    ...(limit !== undefined ? { complyCubeLimit: Number(limit) } : {}),
    ...(cap !== undefined ? { taskQueueLimit: Number(cap) } : {}),
    profile: values.profile,
    tracing: values.tracing,
    ...(values.review !== undefined ? { review: count('review', values.review, 1) } : {}),
    ...(values.memory !== undefined ? { memory: count('memory', values.memory, 1) } : {}),
  };
}
