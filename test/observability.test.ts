/**
 * Metrics and traces during real onboardings: the API's and the worker's `/metrics` scraped over
 * HTTP as Prometheus would, and every span collected in memory, with a real dev server, worker,
 * emulator and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createLogger } from '../config/logging';
import { freePort } from '../system/service-processes';
import { installTracing, tracer, type Tracing } from '../observability/tracing';
import { DEFAULT_POLICY, onboardingWorkflowId } from '../workflows/onboarding-contract';
import { freshDatabase, type OwnDatabase } from './helpers/database';
import { dashboardQueries } from './helpers/monitoring';
import { call } from './helpers/http';
import {
  installTestRuntime,
  REVIEWER_TOKEN,
  SERVICE_TOKEN,
  startTestSystem,
  TEST_DATABASE_URL,
  type TestSystem,
} from './helpers/system';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Scrapes until `ok` holds (metrics are exported and read a moment after the event), or fails. */
async function eventually(scrape: () => Promise<string>, ok: (text: string) => boolean): Promise<string> {
  let text = '';
  for (let i = 0; i < 50; i += 1) {
    text = await scrape();
    if (ok(text)) return text;
    await sleep(200);
  }
  assert.fail(
    `the metrics never showed the change; last scrape:\n${text
      .split('\n')
      .filter((l) => l.startsWith('kyc_'))
      .join('\n')}`,
  );
}

/** The samples of a Prometheus text exposition: `name{labels} value` lines. */
function samples(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels: Record<string, string> = {};
      for (const pair of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]!] = pair[2]!;
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
}

/** The sum of a metric's samples whose labels include `labels`. */
function total(text: string, name: string, labels: Record<string, string> = {}): number {
  return samples(text)
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

describe('metrics and traces', () => {
  let system: TestSystem;
  let database: OwnDatabase;
  let tracing: Tracing;
  let workerMetricsUrl: string;
  const spans = new InMemorySpanExporter();
  /** Every series name the scrapes showed, for the dashboard's and the alerts' queries. */
  const seen = new Set<string>();

  const scrape = async (url: string) => {
    const response = await fetch(url);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
    return response.text();
  };
  const apiMetrics = () => scrape(`${system.apiUrl}/metrics`);
  const workerMetrics = () => scrape(workerMetricsUrl);

  before(async () => {
    const port = await freePort();
    workerMetricsUrl = `http://127.0.0.1:${port}/metrics`;
    installTestRuntime(undefined, { metricsAddress: `127.0.0.1:${port}` });
    tracing = installTracing('kyc-test', { processor: new SimpleSpanProcessor(spans) })!;
    database = await freshDatabase(TEST_DATABASE_URL, 'observability');
    system = await startTestSystem({
      databaseUrl: database.url,
      tracing,
      api: { policy: { ...DEFAULT_POLICY, secondApproval: 'never' } },
    });
  });
  after(async () => {
    await system?.close();
    await database?.drop();
    await tracing?.shutdown();
  });

  it('moves the series of a case through review: starts, 429s, queue depth and age, decisions by channel', async () => {
    const [apiBefore, workerBefore] = [await apiMetrics(), await workerMetrics()];
    const applicant = await system.seed({ lastName: 'attention' });
    // ComplyCube refuses the first check create once: a 429, retried.
    await system.control('/faults', { kind: 'rate_limit', retryAfterSeconds: 1, method: 'POST', path: '/checks' });
    const started = await call(system.apiUrl, 'POST', '/v1/onboardings', { token: SERVICE_TOKEN, body: applicant });
    assert.equal(started.status, 201);
    await system.waitForStatus(
      system.client.workflow.getHandle(onboardingWorkflowId(applicant.clientId)),
      'awaiting_review',
    );
    await system.waitForReviewCase(applicant.clientId, 'awaiting_review');
    await sleep(1_200);

    let api = await apiMetrics();
    let worker = await workerMetrics();
    assert.equal(
      total(api, 'kyc_api_onboardings_started_total') - total(apiBefore, 'kyc_api_onboardings_started_total'),
      1,
    );
    assert.ok(total(worker, 'kyc_onboardings_started_total') > total(workerBefore, 'kyc_onboardings_started_total'));
    assert.ok(total(worker, 'kyc_complycube_requests_total', { operation: 'create_check', status: '429' }) >= 1);
    assert.ok(total(worker, 'kyc_complycube_requests_total', { operation: 'create_check', status: '200' }) >= 2);
    assert.ok(
      total(worker, 'kyc_check_duration_seconds_count', { check_type: 'identity_fraud_check', outcome: 'attention' }) >=
        1,
    );
    assert.ok(total(api, 'kyc_webhook_events_total', { result: 'routed' }) >= 2);
    assert.equal(total(api, 'kyc_review_queue_depth', { status: 'awaiting_review' }), 1);
    assert.ok(total(api, 'kyc_review_queue_oldest_age_seconds', { status: 'awaiting_review' }) >= 1);
    assert.equal(total(api, 'kyc_review_queue_depth', { status: 'escalated' }), 0);
    assert.ok(total(api, 'kyc_http_request_duration_seconds_count', { route: '/v1/onboardings', status: '201' }) >= 1);
    // The SDK's own metrics, on the same endpoint as the worker's business metrics.
    assert.ok(samples(worker).some((s) => s.name.startsWith('temporal_') && s.name.includes('workflow_task')));
    assert.ok(samples(worker).some((s) => s.name.startsWith('temporal_') && s.name.includes('slots')));

    const decided = await call(system.apiUrl, 'POST', `/v1/onboardings/${applicant.clientId}/review`, {
      token: REVIEWER_TOKEN,
      body: { decision: 'reject', reason: 'document forged' },
    });
    assert.equal(decided.status, 200);
    const rejectedByApi = { outcome: 'rejected', decided_by: 'reviewer', channel: 'api' };
    const before = total(workerBefore, 'kyc_decisions_total', rejectedByApi);
    worker = await eventually(
      workerMetrics,
      (text) => total(text, 'kyc_decisions_total', rejectedByApi) === before + 1,
    );
    api = await eventually(
      apiMetrics,
      (text) => total(text, 'kyc_review_queue_depth', { status: 'awaiting_review' }) === 0,
    );
    assert.ok(total(api, 'kyc_review_actions_total', { kind: 'decision', outcome: 'accepted', channel: 'api' }) >= 1);
    for (const sample of [...samples(api), ...samples(worker)]) seen.add(sample.name);
    // No personal data and no IDs in any label.
    for (const text of [api, worker]) {
      assert.ok(!text.includes(applicant.clientId), 'an onboarding ID in a metric');
      assert.ok(!/attention"/.test(text.replace(/outcome="attention"/g, '')), 'a last name in a metric');
    }
  });

  it('traces POST /v1/onboardings through the workflow, its activities and the ComplyCube calls', async () => {
    spans.reset();
    const applicant = await system.seed();
    const started = await call(system.apiUrl, 'POST', '/v1/onboardings', { token: SERVICE_TOKEN, body: applicant });
    assert.equal(started.status, 201);
    await system.waitForStatus(system.client.workflow.getHandle(onboardingWorkflowId(applicant.clientId)), 'approved');
    await sleep(500);
    await tracing.processor.forceFlush();
    const all = spans.getFinishedSpans();
    const root = all.find((s) => s.name === 'POST /v1/onboardings');
    assert.ok(root, `no server span; spans: ${all.map((s) => s.name).join(', ')}`);
    const trace = all.filter((s) => s.spanContext().traceId === root.spanContext().traceId);
    const names = trace.map((s) => s.name);
    for (const expected of [
      'StartWorkflow:onboardingWorkflow',
      'RunWorkflow:onboardingWorkflow',
      'StartActivity:startCheck',
      'RunActivity:startCheck',
      'ComplyCube POST /checks',
      'RunActivity:recordDecisionWithEvents',
    ]) {
      assert.ok(names.includes(expected), `${expected} missing from the trace: ${names.join(', ')}`);
    }
    // One connected tree: every span but the root has its parent in the trace.
    const ids = new Set(trace.map((s) => s.spanContext().spanId));
    const parentOf = (s: ReadableSpan) => s.parentSpanId;
    for (const span of trace) {
      if (span === root) continue;
      assert.ok(ids.has(parentOf(span)!), `${span.name} is not connected to the trace`);
    }
    // The ComplyCube call is a child of the activity that made it.
    const create = trace.find((s) => s.name === 'ComplyCube POST /checks')!;
    assert.match(trace.find((s) => s.spanContext().spanId === parentOf(create))!.name, /^RunActivity:startCheck/);

    // A webhook's trace reaches the signal it sends.
    const webhook = all.filter((s) => s.name === 'POST /webhooks/complycube');
    assert.ok(webhook.length > 0);
    const signalled = all.filter(
      (s) => s.name === 'SignalWorkflow:checkCompleted' && webhook.some((w) => w.spanContext().spanId === parentOf(s)),
    );
    assert.ok(signalled.length > 0, 'no SignalWorkflow span under a webhook span');
    for (const span of trace) {
      for (const value of Object.values(span.attributes)) {
        assert.ok(!String(value).includes('Applicant'), `personal data in ${span.name}`);
      }
    }
  });

  it('puts the trace and span IDs in log lines', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = createLogger({ level: 'info', format: 'json' }, sink);
    tracer().startActiveSpan('logged', (span) => {
      log.info('inside a span');
      span.end();
    });
    log.info('outside');
    const [inside, outside] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.match(String(inside?.traceId), /^[0-9a-f]{32}$/);
    assert.match(String(inside?.spanId), /^[0-9a-f]{16}$/);
    assert.equal(outside?.traceId, undefined);
  });

  it('serves every series the dashboard and the alert rules query', () => {
    assert.ok(seen.size > 0, 'the scrape test ran first');
    // Counters that appear once something happens; this test's onboardings never fail a task.
    const eventOnly = new Set(['temporal_workflow_task_execution_failed_total', 'up']);
    const queries = [
      ...dashboardQueries(),
      ...[
        ...readFileSync(path.resolve(__dirname, '..', 'deploy', 'prometheus', 'alerts.yml'), 'utf8').matchAll(
          /expr:\s*>?-?\s*([^\n]+(?:\n {10,}[^\n]+)*)/g,
        ),
      ].map((m) => m[1]!),
    ];
    const names = new Set(
      queries.flatMap((query) => [...query.matchAll(/\b((?:kyc|temporal)_[a-z_]+|up)\b/g)].map((m) => m[1]!)),
    );
    assert.ok(names.size >= 10);
    const missing = [...names].filter((name) => !seen.has(name) && !eventOnly.has(name));
    assert.deepEqual(missing, [], 'queried series no process exports');
  });
});
