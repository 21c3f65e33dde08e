/**
 * `npm run bench -- [--onboardings 100] [--concurrency 20] [--fraud-latency-ms 1000] [--enhanced-latency-ms 2000]`
 *
 * Starts N clear-path onboardings through the API against the emulator, on a fresh dev
 * server with one worker in this process, and prints:
 * - onboardings per second (first start to last decision);
 * - median and p99 of start-to-decision time minus the slower check's own latency (our overhead);
 * - Temporal history events and billable actions per onboarding;
 * - ComplyCube API calls per onboarding.
 */
import { parseArgs } from 'node:util';
import type { temporal } from '@temporalio/proto';
import type { SeededApplicant } from '../complycube-emulator/seed-applicant';
import { EMULATOR_KEY, SERVICE_TOKEN, startTestSystem } from '../test/helpers/system';
import { onboardingWorkflowId } from '../workflows/onboarding-contract';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const { values } = parseArgs({
  options: {
    onboardings: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '20' },
    'fraud-latency-ms': { type: 'string', default: '1000' },
    'enhanced-latency-ms': { type: 'string', default: '2000' },
  },
});
const N = Number(values.onboardings);
const CONCURRENCY = Number(values.concurrency);

/**
 * Billable actions as Temporal Cloud counts them, read off a history: the start, each activity
 * attempt, each timer, signal, search-attribute upsert and accepted update.
 */
export function billableActions(events: HistoryEvent[]): number {
  let actions = 0;
  for (const event of events) {
    if (event.workflowExecutionStartedEventAttributes) actions += 1;
    else if (event.activityTaskStartedEventAttributes)
      actions += 1; // one per attempt, retries included
    else if (event.timerStartedEventAttributes) actions += 1;
    else if (event.workflowExecutionSignaledEventAttributes) actions += 1;
    else if (event.upsertWorkflowSearchAttributesEventAttributes) actions += 1;
    else if (event.workflowExecutionUpdateAcceptedEventAttributes) actions += 1;
    else if (event.markerRecordedEventAttributes) actions += 1; // local activities
  }
  return actions;
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

async function main(): Promise<void> {
  // The same in-process system the integration tests use: dev server, emulator, store, API with
  // the emulator's webhook registered, and one worker.
  const system = await startTestSystem({
    emulator: {
      checkLatencyMs: {
        identity_fraud_check: Number(values['fraud-latency-ms']),
        enhanced_identity_check: Number(values['enhanced-latency-ms']),
      },
    },
  });
  const { env, emulatorUrl, apiUrl } = system;
  const emulatorRoot = emulatorUrl.replace(/\/v1$/, '');
  const seed = () => system.seed();

  try {
    console.log(`Seeding ${N} applicants…`);
    const applicants: SeededApplicant[] = [];
    for (let i = 0; i < N; i += 1) applicants.push(await seed());
    // One warm-up onboarding, so that bundling and first connections are not measured.
    const warmUp = await seed();
    await runOne(warmUp);

    console.log(`Running ${N} onboardings, ${CONCURRENCY} at a time…`);
    const totalOf = new Map<string, number>();
    const checksOf = new Map<string, string[]>();
    const began = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < applicants.length) {
          const applicant = applicants[next++]!;
          const { total, checkIds } = await runOne(applicant);
          totalOf.set(applicant.clientId, total);
          checksOf.set(applicant.clientId, checkIds);
        }
      }),
    );
    const elapsed = (Date.now() - began) / 1000;

    const events: number[] = [];
    const actions: number[] = [];
    for (const applicant of applicants) {
      const history = await env.client.workflow.getHandle(onboardingWorkflowId(applicant.clientId)).fetchHistory();
      events.push(history.events?.length ?? 0);
      actions.push(billableActions(history.events ?? []));
    }
    // ComplyCube calls the onboardings made (seeding excluded), counted before this script reads any check.
    let complyCubeCalls = 0;
    for (const applicant of applicants) {
      const log = (await (await fetch(`${emulatorRoot}/_emulator/requests?clientId=${applicant.clientId}`)).json()) as {
        items: { route: string }[];
      };
      complyCubeCalls += log.items.filter((r) => r.route.startsWith('/v1/checks')).length;
    }
    const overheads: number[] = [];
    for (const applicant of applicants) {
      overheads.push(
        (totalOf.get(applicant.clientId) ?? 0) - (await slowerCheckMs(checksOf.get(applicant.clientId) ?? [])),
      );
    }

    overheads.sort((a, b) => a - b);
    const totals = [...totalOf.values()].sort((a, b) => a - b);
    console.log(`
Onboardings:                 ${N} (clear path, webhooks delivered), ${CONCURRENCY} concurrent, one worker
Check latency (emulated):    fraud ${values['fraud-latency-ms']} ms, enhanced ${values['enhanced-latency-ms']} ms
Throughput:                  ${(N / elapsed).toFixed(2)} onboardings/s over ${elapsed.toFixed(1)} s
Start to decision:           median ${quantile(totals, 0.5)} ms, p99 ${quantile(totals, 0.99)} ms
Overhead (minus slower check): median ${quantile(overheads, 0.5)} ms, p99 ${quantile(overheads, 0.99)} ms
History events / onboarding: ${mean(events).toFixed(1)} (min ${Math.min(...events)}, max ${Math.max(...events)})
Billable actions / onboarding: ${mean(actions).toFixed(1)} (min ${Math.min(...actions)}, max ${Math.max(...actions)})
ComplyCube calls / onboarding: ${(complyCubeCalls / N).toFixed(2)}
`);
  } finally {
    await system.close();
  }

  async function slowerCheckMs(checkIds: string[]): Promise<number> {
    let slowest = 0;
    for (const checkId of checkIds) {
      const check = (await (
        await fetch(`${emulatorUrl}/checks/${checkId}`, { headers: { Authorization: EMULATOR_KEY } })
      ).json()) as { createdAt: string; updatedAt: string };
      slowest = Math.max(slowest, Date.parse(check.updatedAt) - Date.parse(check.createdAt));
    }
    return slowest;
  }

  async function runOne(applicant: SeededApplicant): Promise<{ total: number; checkIds: string[] }> {
    const started = Date.now();
    const response = await fetch(`${apiUrl}/v1/onboardings`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${SERVICE_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(applicant),
    });
    if (response.status !== 201) throw new Error(`start answered ${response.status}: ${await response.text()}`);
    const decision = (await env.client.workflow.getHandle(onboardingWorkflowId(applicant.clientId)).result()) as {
      decision: string;
      checks: { checkId: string }[];
    };
    const total = Date.now() - started;
    if (decision.decision !== 'approved') throw new Error(`unexpected decision ${decision.decision}`);
    return { total, checkIds: decision.checks.map((c) => c.checkId) };
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
