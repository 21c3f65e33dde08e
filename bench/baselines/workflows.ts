/**
 * The benchmark's two baselines, as Temporal workflows on the same server as the product:
 * - `bareOnboarding`: the least a Temporal onboarding can do: both checks at once, each created,
 *   then read once when it is due (the bench knows the emulated latency), re-read after a short
 *   wait if not yet complete; no API, no store, no review, no webhooks: the same four calls.
 * - `naiveOnboarding`: what a team would hand-roll first: one check after the other, each polled
 *   every 5 seconds.
 * - `bareAwaitingReview`: the bare onboarding of an applicant who needs a reviewer: its checks, then
 *   a wait for a `decide` signal; what the bench's memory comparison keeps in a worker's cache.
 * All decide `approved` when both checks are clear, else `review`.
 */
import { condition, defineQuery, defineSignal, proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import type { BaselineActivities } from './activities';

export interface BaselineInput {
  clientId: string;
  addressId: string;
  documentId: string;
  liveVideoId: string;
  /** How long each check takes at the emulator, so the bare baseline reads it when it is due. */
  latencyMs: { identity_fraud_check: number; enhanced_identity_check: number };
}

type CheckType = keyof BaselineInput['latencyMs'];

const { createCheck, readCheck } = proxyActivities<BaselineActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});

async function untilComplete(checkId: string, firstWaitMs: number, thenEveryMs: number): Promise<string> {
  await sleep(firstWaitMs);
  for (;;) {
    const check = await readCheck(checkId);
    if (check.status !== 'pending') return check.outcome ?? check.status;
    await sleep(thenEveryMs);
  }
}

export async function bareOnboarding(input: BaselineInput): Promise<string> {
  const outcomes = await Promise.all(
    (['identity_fraud_check', 'enhanced_identity_check'] as CheckType[]).map(async (type) => {
      const checkId = await createCheck(type, input);
      return untilComplete(checkId, input.latencyMs[type], 50);
    }),
  );
  return outcomes.every((outcome) => outcome === 'clear') ? 'approved' : 'review';
}

export async function naiveOnboarding(input: BaselineInput): Promise<string> {
  const outcomes: string[] = [];
  for (const type of ['identity_fraud_check', 'enhanced_identity_check'] as CheckType[]) {
    const checkId = await createCheck(type, input);
    outcomes.push(await untilComplete(checkId, 5_000, 5_000));
  }
  return outcomes.every((outcome) => outcome === 'clear') ? 'approved' : 'review';
}

export const checksDoneQuery = defineQuery<boolean>('checksDone');
export const decideSignal = defineSignal<[string]>('decide');

export async function bareAwaitingReview(input: BaselineInput): Promise<string> {
  let checksDone = false;
  let decision: string | undefined;
  setHandler(checksDoneQuery, () => checksDone);
  setHandler(decideSignal, (value) => void (decision = value));
  const outcome = await bareOnboarding(input);
  checksDone = true;
  if (outcome === 'approved') return outcome;
  await condition(() => decision !== undefined);
  return decision!;
}
