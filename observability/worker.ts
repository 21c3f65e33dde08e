/**
 * A worker's telemetry: the SDK runtime's Prometheus exporter (the SDK's metrics and ours on one
 * `/metrics`), and the OpenTelemetry interceptors that carry a trace from the client call through
 * the workflow to its activities. The interceptors are always installed, so the workflow bundle,
 * and its build ID, do not depend on whether traces are exported; in the workflow they run only
 * for a run started with a trace (`workflows/tracing-gate.ts`).
 */
import path from 'node:path';
import { ExportResultCode } from '@opentelemetry/core';
import { Resource } from '@opentelemetry/resources';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import {
  makeWorkflowExporter,
  type OpenTelemetryWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { InjectedSinks, WorkerOptions } from '@temporalio/worker';
import { projectRoot } from '../config/paths';
import type { Tracing } from './tracing';

/**
 * The workflow-side interceptor module, bundled into the workflow code, from the sources (see
 * `worker/workflow-build.ts`): OpenTelemetry's interceptors, run only in runs started with a trace.
 */
export const WORKFLOW_INTERCEPTOR_MODULES = [path.join(projectRoot(), 'workflows', 'tracing-gate.ts')];

/** Runtime telemetry options exporting metrics for Prometheus at `bindAddress` (`host:port`). */
export function prometheusTelemetry(bindAddress: string | undefined) {
  return bindAddress
    ? {
        metrics: {
          prometheus: { bindAddress, countersTotalSuffix: true, unitSuffix: true, useSecondsForDurations: true },
        },
      }
    : {};
}

/** Accepts and drops workflow spans, when no traces are exported. */
const discard: SpanExporter = {
  export: (_spans, done) => done({ code: ExportResultCode.SUCCESS }),
  shutdown: async () => undefined,
};

/** The worker options that trace activities and export the workflow's spans. */
export function workerTracing(tracing: Tracing | undefined): Pick<WorkerOptions, 'interceptors' | 'sinks'> {
  const sinks: InjectedSinks<{ exporter: OpenTelemetryWorkflowExporter }> = {
    exporter: tracing
      ? makeWorkflowExporter(tracing.processor, tracing.resource)
      : makeWorkflowExporter(discard, new Resource({})),
  };
  return {
    interceptors: {
      activity: [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
    },
    sinks: sinks as WorkerOptions['sinks'],
  };
}
