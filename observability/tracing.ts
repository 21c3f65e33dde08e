/**
 * OpenTelemetry traces: one trace from the HTTP request that starts an onboarding (or a webhook)
 * through the Temporal client call, the workflow, its activities and the ComplyCube calls.
 *
 * Off unless the standard variables ask for it: `OTEL_EXPORTER_OTLP_ENDPOINT` or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` set (OTLP over HTTP), and neither `OTEL_SDK_DISABLED=true`
 * nor `OTEL_TRACES_EXPORTER=none`. The exporter reads the rest of `OTEL_EXPORTER_OTLP_*` itself.
 * Span attributes are IDs, routes and statuses only: never an applicant's personal data.
 */
import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
  type TextMapGetter,
  type Tracer,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';

export const TRACER_NAME = 'kyc-onboarding';

export interface Tracing {
  resource: Resource;
  processor: SpanProcessor;
  shutdown(): Promise<void>;
}

/** Whether the environment asks for traces (see the module comment). */
export function tracesRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED === 'true' || env.OTEL_TRACES_EXPORTER === 'none') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

let contextInstalled = false;
/** Active-span propagation across awaits and W3C `traceparent` headers: needed by every process. */
function installContext(): void {
  if (contextInstalled) return;
  contextInstalled = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
}

/**
 * Registers the process's tracer provider: spans go to `exporter` (tests: in memory), else to
 * OTLP when the environment asks for traces; undefined when it does not.
 */
export function installTracing(
  serviceName: string,
  options: { exporter?: SpanExporter; processor?: SpanProcessor } = {},
): Tracing | undefined {
  installContext();
  const processor =
    options.processor ??
    (options.exporter
      ? new BatchSpanProcessor(options.exporter, { scheduledDelayMillis: 200 })
      : tracesRequested()
        ? new BatchSpanProcessor(new OTLPTraceExporter())
        : undefined);
  if (!processor) return undefined;
  const resource = new Resource({
    'service.name': process.env.OTEL_SERVICE_NAME ?? serviceName,
    'service.namespace': 'kyc-onboarding',
  });
  const provider = new BasicTracerProvider({ resource, spanProcessors: [processor] });
  trace.setGlobalTracerProvider(provider);
  return { resource, processor, shutdown: () => provider.shutdown() };
}

export const tracer = (): Tracer => trace.getTracer(TRACER_NAME);

/** The current trace and span IDs, for log lines. */
export function traceFields(): { traceId: string; spanId: string } | Record<string, never> {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId, traceFlags } = span.spanContext();
  return traceFlags & 1 ? { traceId, spanId } : {};
}

/** Runs `work` in a client span (`name`), injecting `traceparent` into `headers`. */
export async function inClientSpan<T>(
  name: string,
  attributes: Record<string, string | number>,
  headers: Record<string, string>,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return tracer().startActiveSpan(name, { kind: SpanKind.CLIENT, attributes }, async (span) => {
    propagation.inject(context.active(), headers);
    try {
      return await work(span);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message?.slice(0, 200) });
      throw error;
    } finally {
      span.end();
    }
  });
}

const headerGetter: TextMapGetter<Record<string, string | string[] | undefined>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};

/**
 * Starts the server span of a request, continuing a caller's `traceparent`, and runs `next` (the
 * rest of the request's handling) with it active. `end` closes it with the route and status.
 */
export function startServerSpan(
  method: string,
  headers: Record<string, string | string[] | undefined>,
  next: () => void,
): Span {
  const parent = propagation.extract(context.active(), headers, headerGetter);
  const span = tracer().startSpan(
    `${method}`,
    { kind: SpanKind.SERVER, attributes: { 'http.request.method': method } },
    parent,
  );
  context.with(trace.setSpan(parent, span), next);
  return span;
}

/** Temporal client interceptors that put a client's calls (start, signal, update, query) in the trace. */
export function clientInterceptors() {
  return { workflow: [new OpenTelemetryWorkflowClientInterceptor()] };
}
