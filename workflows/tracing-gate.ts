/**
 * OpenTelemetry's workflow interceptors, switched on per run (since 0.10.0).
 *
 * The interceptors are bundled into every build, so the build ID does not depend on whether a
 * deployment exports traces. Before 0.10.0 they also ran in every workflow, traced or not: a span
 * for every activity, signal, update and the run itself, each a handful of promises, exported
 * through a sink to be discarded when tracing was off. That was about a third of the workflow's
 * CPU per onboarding (docs/performance.md).
 *
 * Now a run is traced when the call that started it carried a trace: the start's headers hold a
 * W3C `traceparent` (the API puts one there when it exports traces; `temporal workflow start` and
 * an untraced API do not). The start's headers are in the run's history, so the choice is the same
 * on every replay. An untraced run never loads OpenTelemetry's modules and adds no span, promise or
 * header. Runs started before 0.10.0 keep the interceptors all their life, as they were recorded
 * with them: their promises change the order in which a cancelled run's timers are cancelled, and
 * replay must see the same commands in the same order (`TRACING_GATE`, a `patched()` marker).
 */
import type { Headers } from '@temporalio/common';
import { defaultPayloadConverter } from '@temporalio/common';
import type {
  Next,
  WorkflowExecuteInput,
  WorkflowInboundCallsInterceptor,
  WorkflowInterceptors,
  WorkflowInternalsInterceptor,
  WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import type * as OpenTelemetryWorkflow from '@temporalio/interceptors-opentelemetry/lib/workflow';
import { patched } from '@temporalio/workflow';
import { SdkFlags } from '@temporalio/workflow/lib/flags';
import { getActivator } from '@temporalio/workflow/lib/global-attributes';

/** Runs started since 0.10.0 carry this marker: only they may run without the interceptors. */
export const TRACING_GATE = 'tracing-gate';

/** Where OpenTelemetry's interceptors carry a trace in a message's headers. */
export const TRACE_HEADER = '_tracer-data';

/** Whether `headers` carry a trace to continue: a W3C `traceparent` in the tracer's header. */
export function carriesTrace(headers: Headers): boolean {
  const encoded = headers[TRACE_HEADER];
  if (!encoded) return false;
  try {
    const carrier = defaultPayloadConverter.fromPayload<unknown>(encoded);
    return (
      typeof carrier === 'object' &&
      carrier !== null &&
      typeof (carrier as Record<string, unknown>).traceparent === 'string'
    );
  } catch {
    return false;
  }
}

interface Traced {
  inbound: WorkflowInboundCallsInterceptor;
  outbound: WorkflowOutboundCallsInterceptor;
  internals: WorkflowInternalsInterceptor;
}

/** OpenTelemetry's interceptors for this run, loaded on first use (a module of the bundle, evaluated per run). */
function openTelemetryInterceptors(): Traced {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const otel = require('@temporalio/interceptors-opentelemetry/lib/workflow') as typeof OpenTelemetryWorkflow;
  return {
    inbound: new otel.OpenTelemetryInboundInterceptor(),
    outbound: new otel.OpenTelemetryOutboundInterceptor(),
    internals: new otel.OpenTelemetryInternalsInterceptor(),
  };
}

/**
 * Every interceptor method OpenTelemetry's implement, as a pass-through until the run is known to
 * be traced, then as theirs. The run's start comes first in its first activation, before any
 * signal, update or query reaches a handler and before the workflow schedules anything.
 */
export const interceptors = (): WorkflowInterceptors => {
  let traced: Traced | undefined;
  const inbound: WorkflowInboundCallsInterceptor = {
    execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>) {
      // Histories older than SDK 1.13.2 were recorded with the interceptors' extra yields.
      const legacyYields = !getActivator().hasFlag(SdkFlags.OpenTelemetryInterceporsAvoidsExtraYields);
      const gated = patched(TRACING_GATE);
      if (!gated || legacyYields || carriesTrace(input.headers)) traced = openTelemetryInterceptors();
      return traced ? traced.inbound.execute!(input, next) : next(input);
    },
    handleSignal: (input, next) => (traced ? traced.inbound.handleSignal!(input, next) : next(input)),
    handleUpdate: (input, next) => (traced ? traced.inbound.handleUpdate!(input, next) : next(input)),
    validateUpdate: (input, next) => (traced ? traced.inbound.validateUpdate!(input, next) : next(input)),
    handleQuery: (input, next) => (traced ? traced.inbound.handleQuery!(input, next) : next(input)),
  };
  const outbound: WorkflowOutboundCallsInterceptor = {
    scheduleActivity: (input, next) => (traced ? traced.outbound.scheduleActivity!(input, next) : next(input)),
    scheduleLocalActivity: (input, next) =>
      traced ? traced.outbound.scheduleLocalActivity!(input, next) : next(input),
    startChildWorkflowExecution: (input, next) =>
      traced ? traced.outbound.startChildWorkflowExecution!(input, next) : next(input),
    startNexusOperation: (input, next) => (traced ? traced.outbound.startNexusOperation!(input, next) : next(input)),
    continueAsNew: (input, next) => (traced ? traced.outbound.continueAsNew!(input, next) : next(input)),
    signalWorkflow: (input, next) => (traced ? traced.outbound.signalWorkflow!(input, next) : next(input)),
    getLogAttributes: (input, next) => (traced ? traced.outbound.getLogAttributes!(input, next) : next(input)),
  };
  const internals: WorkflowInternalsInterceptor = {
    dispose: (input, next) => (traced ? traced.internals.dispose!(input, next) : next(input)),
  };
  return { inbound: [inbound], outbound: [outbound], internals: [internals] };
};
