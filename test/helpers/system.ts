/**
 * The whole system for tests (`system/in-process.ts`): a real Temporal dev server (the CLI found or
 * built by `npm test`), the ComplyCube emulator, the decision store, the API on real HTTP, and a
 * worker — all in this process, each test file with its own.
 */
import type { WorkflowHandle } from '@temporalio/client';
import {
  IN_PROCESS_DEPLOYMENT,
  startInProcessSystem,
  type InProcessSystem,
  type InProcessSystemOptions,
} from '../../system/in-process';
import { dataConverter } from '../../security/data-converter';
import type { Payload } from '@temporalio/common';
import { AesGcmPayloadCodec, parseCodecKeyring } from '../../security/payload-codec';
import { PAYLOAD_CODEC_KEYS } from '../../system/in-process-credentials';
import { installInProcessRuntime } from '../../system/in-process-runtime';
import { eventually } from './eventually';
import type { OnboardingDecision } from '../../workflows/onboarding-contract';

export {
  AUDITOR_TOKEN,
  EMULATOR_KEY,
  OTHER_REVIEWER_TOKEN,
  REVIEWER_TOKEN,
  SENIOR_REVIEWER_TOKEN,
  SERVICE_TOKEN,
} from '../../system/in-process-credentials';
export { FAST_POLICY } from '../../system/in-process-probes';
export { workflowBuild } from '../../system/in-process-runtime';

/** The data converter of the test system's clients and workers: its codec keyring (docs/payload-encryption.md). */
export const TEST_DATA_CONVERTER = dataConverter(parseCodecKeyring(PAYLOAD_CODEC_KEYS));

const TEST_CODEC = new AesGcmPayloadCodec(parseCodecKeyring(PAYLOAD_CODEC_KEYS));

/** A payload of a history as fetched (encrypted), decrypted: its data as text; '' when absent. */
export async function payloadText(payload: Payload | null | undefined): Promise<string> {
  if (!payload) return '';
  const [decoded] = await TEST_CODEC.decode([payload]);
  return Buffer.from(decoded?.data ?? []).toString('utf8');
}

/**
 * How many signals in the run's history carry this check, once at least one shows (the other
 * check's signals carry their own). A signal that arrives while a workflow task runs is buffered
 * by the server and shows only when that task completes, so the history is read until one does;
 * any other signal sent before then is in the same buffer.
 */
export async function checkSignals(handle: WorkflowHandle, checkId: string): Promise<number> {
  const count = async () => {
    const events = (await handle.fetchHistory()).events ?? [];
    const texts = await Promise.all(
      events.map((e) => payloadText(e.workflowExecutionSignaledEventAttributes?.input?.payloads?.[0])),
    );
    const signals = events.filter((e, i) => e.workflowExecutionSignaledEventAttributes && texts[i]!.includes(checkId));
    return signals.length || undefined;
  };
  return eventually(`a signal for check ${checkId} in the history`, count, 10_000);
}

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Set by `npm run test:production`: the Temporal server of the production topology, its
 * namespace, and the app's environment from docker-compose.yml, which the worker and API
 * processes start with. Without them each test file starts its own dev server.
 */
export const EXTERNAL_TEMPORAL = process.env.TEST_TEMPORAL_ADDRESS
  ? { address: process.env.TEST_TEMPORAL_ADDRESS, namespace: process.env.TEST_TEMPORAL_NAMESPACE ?? 'default' }
  : undefined;
export const APP_ENV: Record<string, string> = process.env.TEST_APP_ENV
  ? (JSON.parse(process.env.TEST_APP_ENV) as Record<string, string>)
  : {};

/** The Worker Deployment the tests' workers are versions of. */
export const TEST_DEPLOYMENT = IN_PROCESS_DEPLOYMENT;

/**
 * The SDK runtime of this test process, installed once: worker and core logs at WARN and above,
 * to the console or to `logger` (a test that reads what its workers logged must install first).
 */
export const installTestRuntime = installInProcessRuntime;

export type TestSystemOptions = Omit<InProcessSystemOptions, 'temporal'>;
export type TestSystem = InProcessSystem;

/** The system on the production topology's server when `npm run test:production` runs, else on one of its own. */
export function startTestSystem(options: TestSystemOptions = {}): Promise<TestSystem> {
  return startInProcessSystem({ ...options, temporal: EXTERNAL_TEMPORAL });
}

/** The workflow's result. */
export function resultOf(handle: WorkflowHandle): Promise<OnboardingDecision> {
  return handle.result() as Promise<OnboardingDecision>;
}
