/**
 * Business metrics, in Prometheus form, with IDs-free labels (no personal data, no onboarding
 * IDs: only types, outcomes, channels, statuses and routes).
 *
 * Two homes, one set of names (`docs/observability.md`):
 * - the API process: a prom-client registry served at the API's `/metrics`;
 * - a worker: the Temporal SDK runtime's own Prometheus exporter, which serves the SDK's metrics
 *   and ours (recorded through `Runtime.instance().metricMeter`) on one `/metrics`. Workflow code
 *   records through the workflow's `metricMeter` (`workflows/metrics.ts`), which skips replays.
 */
import type { MetricMeter } from '@temporalio/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What a ComplyCube call did: the operation, and the HTTP status or `timeout` / `network_error`. */
export interface ComplyCubeMetrics {
  request(operation: ComplyCubeOperation, status: string, seconds: number): void;
}
export type ComplyCubeOperation =
  | 'create_check'
  | 'get_check'
  | 'list_checks'
  | 'delete_client'
  // The reviewer's reads of the applicant (complycube/applicant-reads.ts).
  | 'get_client'
  | 'get_document'
  | 'download_image'
  | 'get_live_video'
  | 'list_live_photos'
  | 'download_live_photo';

export const COMPLYCUBE_REQUESTS = 'kyc_complycube_requests';
/** The Temporal SDK's exporter appends a histogram's unit: `kyc_complycube_request_duration_seconds`. */
export const COMPLYCUBE_REQUEST_DURATION = 'kyc_complycube_request_duration';

/** ComplyCube calls counted through the Temporal SDK's meter (a worker's `/metrics`). */
export function complyCubeMetricsOn(meter: MetricMeter): ComplyCubeMetrics {
  const requests = meter.createCounter(COMPLYCUBE_REQUESTS, 'requests', 'ComplyCube API calls by operation and status');
  const seconds = meter.createHistogram(
    COMPLYCUBE_REQUEST_DURATION,
    'float',
    'seconds',
    'ComplyCube API call latency by operation',
  );
  return {
    request(operation, status, elapsed) {
      requests.add(1, { operation, status });
      seconds.record(elapsed, { operation });
    },
  };
}

/** Results of a webhook delivery, as the API answered it. */
export type WebhookResult =
  /** Signalled to the run that created the check. */
  | 'routed'
  /** The same event again: nothing sent. */
  | 'duplicate'
  /** For a check no run knows (yet): held for the run that adopts it. */
  | 'held'
  /** A kind of event the workflow does not wait for. */
  | 'not_routed'
  /** Signed, but not a usable event. */
  | 'ignored'
  /** Missing or invalid signature. */
  | 'refused'
  /** Temporal or the store failed: ComplyCube redelivers. */
  | 'failed';

export interface QueueDepth {
  status: string;
  count: number;
  /** Age of the oldest case in this status, in seconds (0 when none). */
  oldestAgeSeconds: number;
  /** Cases in this status past their review SLA. */
  pastSla: number;
}

/**
 * `read`, shared by every gauge of a scrape and any other scrape within a second: one store query
 * per scrape, however many gauges it feeds. A failed read is not kept.
 */
export function readAtMostEverySecond<T>(read: () => Promise<T>): () => Promise<T> {
  let cached: { at: number; value: Promise<T> } | undefined;
  return () => {
    if (!cached || Date.now() - cached.at > 1_000) {
      const value = read();
      cached = { at: Date.now(), value };
      value.catch(() => (cached = undefined));
    }
    return cached.value;
  };
}

/** The API's metrics: a registry of its own (so tests can run several APIs in one process). */
export interface ApiMetrics {
  registry: Registry;
  httpRequest(method: string, route: string, status: number, seconds: number): void;
  webhook(result: WebhookResult): void;
  onboardingStarted(channel: 'api'): void;
  review(kind: 'claim' | 'release' | 'decision' | 'assignment', outcome: 'accepted' | 'refused', channel: string): void;
  complyCube: ComplyCubeMetrics;
}

/**
 * Builds the API's registry. `queueDepth` is read when Prometheus scrapes (the store's review
 * queue: one indexed GROUP BY over the cases in review, however many runs Temporal holds).
 */
export function createApiMetrics(queueDepth: () => Promise<QueueDepth[]>): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'kyc_api_' });
  const http = new Histogram({
    name: 'kyc_http_request_duration_seconds',
    help: 'API requests by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const webhooks = new Counter({
    name: 'kyc_webhook_events_total',
    help: 'ComplyCube webhook deliveries by result',
    labelNames: ['result'],
    registers: [registry],
  });
  const started = new Counter({
    name: 'kyc_api_onboardings_started_total',
    help: 'Onboardings the API started (a retry of the same start counts once)',
    labelNames: ['channel'],
    registers: [registry],
  });
  const reviews = new Counter({
    name: 'kyc_review_actions_total',
    help: 'Review actions through the API and console, accepted or refused',
    labelNames: ['kind', 'outcome', 'channel'],
    registers: [registry],
  });
  const ccRequests = new Counter({
    name: `${COMPLYCUBE_REQUESTS}_total`,
    help: 'ComplyCube API calls by operation and status (the API reads evidence and the applicant)',
    labelNames: ['operation', 'status'],
    registers: [registry],
  });
  const ccSeconds = new Histogram({
    name: `${COMPLYCUBE_REQUEST_DURATION}_seconds`,
    help: 'ComplyCube API call latency by operation',
    labelNames: ['operation'],
    registers: [registry],
  });

  // One read of the queue serves every gauge of a scrape (and any other scrape within a second).
  const depth = readAtMostEverySecond(queueDepth);
  const gauge = (name: string, help: string, pick: (d: QueueDepth) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['status'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const d of await depth()) this.set({ status: d.status }, pick(d));
      },
    });
  gauge('kyc_review_queue_depth', 'Cases waiting on the review desk, by status', (d) => d.count);
  gauge(
    'kyc_review_queue_oldest_age_seconds',
    'Age of the oldest case waiting on the review desk, by status',
    (d) => d.oldestAgeSeconds,
  );
  gauge('kyc_review_queue_past_sla', 'Cases on the review desk past their review SLA, by status', (d) => d.pastSla);

  return {
    registry,
    httpRequest: (method, route, status, seconds) => http.observe({ method, route, status: String(status) }, seconds),
    webhook: (result) => webhooks.inc({ result }),
    onboardingStarted: (channel) => started.inc({ channel }),
    review: (kind, outcome, channel) => reviews.inc({ kind, outcome, channel }),
    complyCube: {
      request(operation, status, seconds) {
        ccRequests.inc({ operation, status });
        ccSeconds.observe({ operation }, seconds);
      },
    },
  };
}
