/**
 * Where an onboarding's milliseconds go, beyond the slower check's own latency, from the
 * workflow's history and the emulator's request log (`npm run bench -- --profile`):
 *
 *   client → workflow started          the API (product) or the client (baselines) starting it
 *   started → slower check created     workflow tasks and activity dispatch before the create
 *                                      reaches ComplyCube, step by step
 *   check done → workflow hears        the webhook, the API and the signal (product); the
 *                                      timer set for the check's latency (bare)
 *   hears → workflow completed         every step after that, by history event
 *   completed → client has the result  the result's long poll
 *
 * Time spent while the check runs at ComplyCube is not overhead, so it is left out.
 */
import { temporal } from '@temporalio/proto';
import type { InProcessSystem } from '../system/in-process';
import { quantile, type DesignResult } from './report';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** One measured onboarding: its workflow and the client's own clock around it. */
export interface RunRecord {
  workflowId: string;
  clientId: string;
  startedAt: number;
  endedAt: number;
}

/** Each step's median and p90 over the runs, in ms, in the order the steps happen. */
export type Profile = { step: string; medianMs: number; p90Ms: number }[];

const millis = (event: HistoryEvent) =>
  Number(event.eventTime?.seconds ?? 0) * 1000 + Math.floor((event.eventTime?.nanos ?? 0) / 1e6);

const typeName = (event: HistoryEvent) =>
  String(temporal.api.enums.v1.EventType[event.eventType ?? 0] ?? event.eventType)
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .replaceAll('_', ' ');

/** What the gap that ends at `event` was spent on. */
function stepName(event: HistoryEvent, activityOf: Map<string, string>): string {
  const scheduled = String(
    event.activityTaskStartedEventAttributes?.scheduledEventId ??
      event.activityTaskCompletedEventAttributes?.scheduledEventId ??
      '',
  );
  const activity = activityOf.get(scheduled);
  if (event.workflowTaskStartedEventAttributes) return 'workflow task queued';
  if (event.workflowTaskCompletedEventAttributes) return 'workflow task ran';
  if (event.workflowTaskScheduledEventAttributes) return 'workflow task scheduled';
  if (event.activityTaskStartedEventAttributes) return `${activity} queued`;
  if (event.activityTaskCompletedEventAttributes) return `${activity} ran`;
  if (event.activityTaskScheduledEventAttributes) {
    return `${event.activityTaskScheduledEventAttributes.activityType?.name} scheduled`;
  }
  return typeName(event);
}

const CREATES = new Set(['startCheck', 'createCheck']);

/** The steps of one run, in ms; a step that happens twice is summed. */
function stepsOf(
  events: HistoryEvent[],
  run: RunRecord,
  creates: number[],
  latencyMs: number,
): Map<string, number> | undefined {
  const steps = new Map<string, number>();
  const add = (step: string, ms: number) => steps.set(step, (steps.get(step) ?? 0) + ms);
  const activityOf = new Map<string, string>();
  for (const e of events) {
    const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
    if (name) activityOf.set(String(e.eventId), name);
  }
  const started = events[0];
  const completed = events.find((e) => e.workflowExecutionCompletedEventAttributes);
  // The slower check is created last by the emulator's clock: both are created in one task.
  const createdAt = Math.max(...creates);
  if (!started || !completed || !Number.isFinite(createdAt)) return undefined;

  add('client → workflow started', millis(started) - run.startedAt);
  // Up to the last create activity's start: the first workflow task and the dispatch.
  const createStarts = events.filter(
    (e) =>
      e.activityTaskStartedEventAttributes &&
      CREATES.has(activityOf.get(String(e.activityTaskStartedEventAttributes.scheduledEventId)) ?? ''),
  );
  const lastCreateStart = createStarts.at(-1);
  if (!lastCreateStart) return undefined;
  const lastCreateScheduled = String(lastCreateStart.activityTaskStartedEventAttributes!.scheduledEventId);
  const beforeCreate = events.filter(
    (e) =>
      millis(e) <= millis(lastCreateStart) &&
      (e.workflowTaskScheduledEventAttributes ||
        e.workflowTaskStartedEventAttributes ||
        e.workflowTaskCompletedEventAttributes ||
        String(e.eventId) === lastCreateScheduled ||
        e === lastCreateStart),
  );
  let previous = started;
  for (const e of beforeCreate) {
    add(`start: ${stepName(e, activityOf)}`, millis(e) - millis(previous));
    previous = e;
  }
  add('start: create activity → request at ComplyCube', createdAt - millis(lastCreateStart));

  // The slower check finishes at ComplyCube `latencyMs` after its create; the workflow hears of it
  // by the first signal (product) or timer (baselines) after that.
  const doneAt = createdAt + latencyMs;
  const heard = events.find(
    (e) => (e.workflowExecutionSignaledEventAttributes || e.timerFiredEventAttributes) && millis(e) >= doneAt - 5,
  );
  if (!heard) return undefined;
  add(`check done → ${typeName(heard)}`, millis(heard) - doneAt);
  previous = heard;
  for (const e of events) {
    if (Number(e.eventId) <= Number(heard.eventId)) continue;
    add(`finish: ${stepName(e, activityOf)}`, millis(e) - millis(previous));
    previous = e;
  }
  add('workflow completed → client has the result', run.endedAt - millis(completed));
  return steps;
}

/** Profiles the measured runs of one design, from their histories and the calls ComplyCube received. */
export async function profileRuns(system: InProcessSystem, result: DesignResult, latencyMs: number): Promise<Profile> {
  const createsOf = new Map<string, number[]>();
  for (const r of result.requests) {
    if (r.method !== 'POST' || r.route !== '/v1/checks' || r.status !== 200 || !r.clientId) continue;
    createsOf.set(r.clientId, [...(createsOf.get(r.clientId) ?? []), Date.parse(r.at)]);
  }
  const perStep = new Map<string, number[]>();
  for (const run of result.runs) {
    const { events } = await system.client.workflow.getHandle(run.workflowId).fetchHistory();
    const steps = stepsOf(events ?? [], run, createsOf.get(run.clientId) ?? [], latencyMs);
    for (const [step, ms] of steps ?? []) perStep.set(step, [...(perStep.get(step) ?? []), ms]);
  }
  return [...perStep].map(([step, values]) => ({
    step,
    medianMs: quantile(values, 0.5),
    p90Ms: quantile(values, 0.9),
  }));
}

export function printProfile(design: string, profile: Profile): void {
  console.log(`\nwhere the ${design} design's time goes, beyond the slower check (median / p90 per onboarding):`);
  for (const { step, medianMs, p90Ms } of profile) {
    console.log(`  ${step.padEnd(54)} ${String(medianMs).padStart(5)} / ${String(p90Ms).padStart(5)} ms`);
  }
  const total = profile.reduce((sum, s) => sum + s.medianMs, 0);
  console.log(`  ${'sum of medians'.padEnd(54)} ${String(total).padStart(5)} ms`);
}
