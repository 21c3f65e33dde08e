/**
 * The fleet's pace toward ComplyCube, at the point of the call: before each request, a slot is
 * reserved from the send schedule every worker and API process shares (`store/send-schedule.ts`),
 * one every 1/rate seconds, and the request waits for it. Temporal's task-queue limit stays as the
 * coarse guard; this one spaces the calls that actually leave, whatever the dispatch jitter, so a
 * burst never puts more in one second than ComplyCube allows.
 */
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { SendSchedule } from '../store/send-schedule';
import { ComplyCubeFailure } from './failures';

/** Waits for the caller's turn to send; throws a retryable rate-limit failure past the longest wait. */
export type SendPacer = () => Promise<void>;

export interface SendPacerOptions {
  schedule: SendSchedule;
  /** The account whose limit this is: calls with the same key to the same API share one schedule. */
  apiKey: string;
  /** ComplyCube's base URL: an emulator of the same key elsewhere is another account. */
  baseUrl: string;
  ratePerSecond: number;
  /**
   * The longest a call waits for its slot, or how to work it out per call (an activity's time
   * left). Past it nothing is reserved and the call fails as a 429 would, retryable after the wait,
   * so an activity never sleeps through its own timeout.
   */
  maxWaitMs: number | (() => number);
}

/**
 * Slots are spaced 3 % wider than the rate: a vendor that counts strictly within any second sees
 * calls that arrive a few milliseconds early as one too many, and 97 % of the limit is kept.
 */
const MARGIN = 1.03;

export function sharedSendPacer({ schedule, apiKey, baseUrl, ratePerSecond, maxWaitMs }: SendPacerOptions): SendPacer {
  // The key itself never reaches the store: only a digest names the account's schedule.
  const account = createHash('sha256').update(`${baseUrl}\n${apiKey}`).digest('hex').slice(0, 16);
  const key = `complycube:${account}`;
  const intervalMs = (1000 / ratePerSecond) * MARGIN;
  return async () => {
    const longest = typeof maxWaitMs === 'function' ? maxWaitMs() : maxWaitMs;
    const waitMs = await schedule.reserveSendSlot(key, intervalMs, longest);
    if (waitMs === undefined) {
      throw ApplicationFailure.create({
        type: ComplyCubeFailure.RateLimited,
        message: `ComplyCube's send schedule is full for the next ${Math.round(longest / 1000)} s`,
        nonRetryable: false,
        // Never 0: a zero delay would end the retries.
        nextRetryDelay: Math.max(1_000, longest),
      });
    }
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
  };
}
