/**
 * The fleet's pace toward ComplyCube, at the point of the call. Before each request a slot is
 * reserved from the send schedule every worker and API process shares (`store/send-schedule.ts`),
 * one every 1/rate seconds, and the request waits for it. At its slot it is admitted only if fewer
 * calls than ComplyCube allows in a second may have reached it within the last second, counting
 * each call from its admission until its answer came back: calls delayed on the way never bunch
 * with the ones after them. Temporal's task-queue limit stays as the coarse guard.
 */
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { SendSchedule } from '../store/send-schedule';
import { ComplyCubeFailure } from './failures';

/**
 * Waits for the caller's turn to send, and gives back what to call once the answer is in (or the
 * call failed); throws a retryable rate-limit failure past the longest wait.
 */
export type SendPacer = () => Promise<() => Promise<void>>;

export interface SendPacerOptions {
  schedule: SendSchedule;
  /** The account whose limit this is: calls with the same key to the same API share one schedule. */
  apiKey: string;
  /** ComplyCube's base URL: an emulator of the same key elsewhere is another account. */
  baseUrl: string;
  ratePerSecond: number;
  /**
   * The longest a call waits for its turn, or how to work it out per call (an activity's time
   * left). Past it the call fails as a 429 would, retryable after the wait, so an activity never
   * sleeps through its own timeout.
   */
  maxWaitMs: number | (() => number);
  /** The client's own timeout: a call never settled (its process died) counts until then. */
  callTimeoutMs: number;
}

/** Slots are 3 % wider than 1/rate, so the window is rarely what holds a call back. */
const SLOT_MARGIN = 1.03;

/** The vendor's window, with room for clocks that count in whole milliseconds. */
const WINDOW_MS = 1_005;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function sharedSendPacer(options: SendPacerOptions): SendPacer {
  const { schedule, apiKey, baseUrl, ratePerSecond, maxWaitMs, callTimeoutMs } = options;
  // The key itself never reaches the store: only a digest names the account's schedule.
  const account = createHash('sha256').update(`${baseUrl}\n${apiKey}`).digest('hex').slice(0, 16);
  const key = `complycube:${account}`;
  const intervalMs = (1000 / ratePerSecond) * SLOT_MARGIN;
  // The vendor counts within any second; below 1/s, one call per interval.
  const limit = Math.max(1, Math.floor(ratePerSecond));
  const windowMs = Math.max(WINDOW_MS, limit === 1 ? intervalMs : 0);
  const refused = (longest: number) =>
    ApplicationFailure.create({
      type: ComplyCubeFailure.RateLimited,
      message: `ComplyCube's send schedule is full for the next ${Math.round(longest / 1000)} s`,
      nonRetryable: false,
      // Never 0: a zero delay would end the retries.
      nextRetryDelay: Math.max(1_000, longest),
    });
  return async () => {
    const longest = typeof maxWaitMs === 'function' ? maxWaitMs() : maxWaitMs;
    const deadline = Date.now() + longest;
    const waitMs = await schedule.reserveSendSlot(key, intervalMs, longest);
    if (waitMs === undefined) throw refused(longest);
    if (waitMs > 0) await sleep(waitMs);
    for (;;) {
      const admission = await schedule.admitSend(key, limit, windowMs, callTimeoutMs);
      if (admission.admitted) {
        // Never throws: a settle that fails leaves the call counted until its timeout, no longer.
        return () => schedule.settleSend(key, admission.stamp).catch(() => undefined);
      }
      if (Date.now() + admission.waitMs > deadline) throw refused(longest);
      await sleep(admission.waitMs);
    }
  };
}
