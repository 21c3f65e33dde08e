/**
 * The Temporal SDK runtime of a worker process, installed once before any worker: where core's
 * logs go, and the Prometheus endpoint (`WORKER_METRICS_ADDRESS`) the SDK's metrics and ours share.
 */
import { Runtime, type Logger } from '@temporalio/worker';
import { ConfigError } from '../config/config';
import { prometheusTelemetry } from '../observability/worker';

export interface WorkerRuntimeOptions {
  /** Where core's own messages go (a failing workflow task, a nondeterminism error), at WARN and above. */
  logger: Logger;
  /** `host:port` for `/metrics`; none when absent. */
  metricsAddress: string | undefined;
  /** Signals on which the SDK shuts workers down (its default: SIGINT, SIGTERM…); `[]` when the caller owns them. */
  shutdownSignals?: NodeJS.Signals[];
}

/**
 * Installs the runtime. A metrics address another process holds (a second worker on one host
 * with the default port) fails here, naming the setting to change: a worker on a port of its own
 * choosing would be one Prometheus never scrapes.
 */
export function installWorkerRuntime(options: WorkerRuntimeOptions): void {
  try {
    Runtime.install({
      logger: options.logger,
      telemetryOptions: {
        logging: { filter: { core: 'WARN', other: 'WARN' }, forward: {} },
        ...prometheusTelemetry(options.metricsAddress),
      },
      ...(options.shutdownSignals ? { shutdownSignals: options.shutdownSignals } : {}),
    });
  } catch (error) {
    const reason = (error as Error).message;
    if (!options.metricsAddress || !/prometheus/i.test(reason)) throw error;
    const [host] = options.metricsAddress.split(':');
    throw new ConfigError(
      `invalid configuration: WORKER_METRICS_ADDRESS: cannot serve metrics on ${options.metricsAddress} ` +
        `(${reason.replace(/^Failed to start prometheus metrics exporter: /i, '')}). ` +
        (/in use/i.test(reason) ? 'Another worker on this host may hold it: give each worker its own, ' : 'Set ') +
        `e.g. WORKER_METRICS_ADDRESS=${host}:<free port>, or WORKER_METRICS_ADDRESS=off`,
    );
  }
}
