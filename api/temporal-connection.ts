/**
 * The API's connection to Temporal answers for a person or a webhook waiting on the other end:
 * it tries an unreachable server three times within half a second and connects within a second,
 * then gives up, so an outage is answered 503 at once rather than after the SDK's default retries
 * (some 20 s). Other errors are not retried: the API answers them for what they are.
 */
import { makeGrpcRetryInterceptor, type ConnectionOptions } from '@temporalio/client';

const RETRIED: readonly number[] = [8 /* RESOURCE_EXHAUSTED */, 14 /* UNAVAILABLE */];
const ATTEMPTS = 3;

export function apiConnectionOptions(options: ConnectionOptions): ConnectionOptions {
  return {
    ...options,
    connectTimeout: '1s',
    interceptors: [
      makeGrpcRetryInterceptor({
        retryableDecider: (attempt, status) => attempt < ATTEMPTS && RETRIED.includes(status.code),
        delayFunction: (attempt) => 100 * 2 ** (attempt - 1),
      }),
    ],
  };
}
