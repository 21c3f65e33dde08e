/**
 * How a ComplyCube call fails, classified for Temporal where it arises: a request that can never
 * succeed is a non-retryable `ApplicationFailure` with a named type; a transient one (429, 5xx,
 * timeout, connection) is retryable, its next delay following `Retry-After` when ComplyCube sends one.
 */
import { ApplicationFailure } from '@temporalio/common';
import { apiErrorBodySchema, complyCubeIdSchema } from './schemas';

/** Failure types this client raises; activities and tests match on them. */
export const ComplyCubeFailure = {
  /** 400: ComplyCube rejected the request; `param` names the field. */
  BadRequest: 'ComplyCubeBadRequest',
  /** 401 or 403: the API key is missing, wrong, or not allowed to do this. */
  Unauthorized: 'ComplyCubeUnauthorized',
  /** 402: the account has a payment due. */
  PaymentRequired: 'ComplyCubePaymentRequired',
  /** 404: the referenced object does not exist. */
  NotFound: 'ComplyCubeNotFound',
  /** 413: the request body is too large. */
  PayloadTooLarge: 'ComplyCubePayloadTooLarge',
  /** 422: ComplyCube could not process the request (e.g. `image_unreadable`). */
  Unprocessable: 'ComplyCubeUnprocessable',
  /** Any other 4xx: treated as permanent. */
  ClientError: 'ComplyCubeClientError',
  /** 429: rate limit or monthly quota. Retryable; `nextRetryDelay` follows `Retry-After` when given. */
  RateLimited: 'ComplyCubeRateLimited',
  /** 5xx. Retryable. */
  ServerError: 'ComplyCubeServerError',
  /** No response within the request timeout. Retryable. */
  Timeout: 'ComplyCubeTimeout',
  /** Connection refused, reset or dropped. Retryable. */
  Unreachable: 'ComplyCubeUnreachable',
  /** The response did not match ComplyCube's documented schema. Permanent: retrying returns the same. */
  InvalidResponse: 'ComplyCubeInvalidResponse',
  /** An argument was invalid before any request was made. */
  InvalidArgument: 'ComplyCubeInvalidArgument',
} as const;
export type ComplyCubeFailureType = (typeof ComplyCubeFailure)[keyof typeof ComplyCubeFailure];

/** What a ComplyCube failure carries in its details, for logs, the workflow and reviewers. No personal data. */
export interface ComplyCubeFailureDetails {
  httpStatus?: number;
  complyCubeType?: string;
  param?: string;
  retryAfterMs?: number;
}

const STATUS_FAILURE: Record<number, ComplyCubeFailureType> = {
  400: ComplyCubeFailure.BadRequest,
  401: ComplyCubeFailure.Unauthorized,
  402: ComplyCubeFailure.PaymentRequired,
  403: ComplyCubeFailure.Unauthorized,
  404: ComplyCubeFailure.NotFound,
  413: ComplyCubeFailure.PayloadTooLarge,
  422: ComplyCubeFailure.Unprocessable,
};

/** Classifies a non-2xx response. Exported for tests and for callers of other endpoints. */
export function failureFromResponse(
  route: string,
  status: number,
  bodyText: string,
  retryAfterHeader: string | null,
  now: Date = new Date(),
): ApplicationFailure {
  let body: { type?: string; message?: string; param?: string } = {};
  try {
    const parsed = apiErrorBodySchema.safeParse(JSON.parse(bodyText));
    if (parsed.success) body = parsed.data;
  } catch {
    // Not JSON (a proxy's HTML error page, say): classify by status alone.
  }
  const retryAfterMs = parseRetryAfter(retryAfterHeader, now);
  const details: ComplyCubeFailureDetails = {
    httpStatus: status,
    ...(body.type ? { complyCubeType: body.type } : {}),
    ...(body.param ? { param: body.param } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
  const summary =
    `ComplyCube ${route} answered ${status}` +
    (body.type ? ` ${body.type}` : '') +
    (body.param ? ` (param ${body.param})` : '') +
    (body.message ? `: ${body.message.slice(0, 200)}` : '');

  if (status === 429 || status >= 500) {
    return ApplicationFailure.create({
      type: status === 429 ? ComplyCubeFailure.RateLimited : ComplyCubeFailure.ServerError,
      message: summary,
      nonRetryable: false,
      details: [details],
      ...(retryAfterMs !== undefined ? { nextRetryDelay: clampRetryDelay(retryAfterMs) } : {}),
    });
  }
  return ApplicationFailure.create({
    type: STATUS_FAILURE[status] ?? ComplyCubeFailure.ClientError,
    message: summary,
    nonRetryable: true,
    details: [details],
  });
}

/** The shortest and the longest wait a `Retry-After` may ask for. */
export const RETRY_AFTER_BOUNDS_MS = { min: 1_000, max: 300_000 } as const;

/**
 * A `Retry-After` as the next retry's delay, within bounds: `0` would let Temporal retry at once
 * (and a zero delay ends its retries), a day is somebody's mistake. A 429 must always be retried.
 */
export function clampRetryDelay(retryAfterMs: number): number {
  return Math.min(RETRY_AFTER_BOUNDS_MS.max, Math.max(RETRY_AFTER_BOUNDS_MS.min, retryAfterMs));
}

/** `Retry-After` as delay-seconds or an HTTP date, in milliseconds; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: Date = new Date()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now.getTime());
}

/** A 2xx whose body is not JSON, or not the documented object: retrying returns the same. */
export function invalidResponse(route: string, status: number, problem: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: ComplyCubeFailure.InvalidResponse,
    message: `ComplyCube ${route} ${problem}`,
    nonRetryable: true,
    details: [{ httpStatus: status } satisfies ComplyCubeFailureDetails],
  });
}

/** A failed `fetch`: no answer in time, or no connection. Both retryable. */
export function transportFailure(route: string, error: unknown, timeoutMs: number): ApplicationFailure {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return ApplicationFailure.create({
      type: ComplyCubeFailure.Timeout,
      message: `ComplyCube ${route} gave no response within ${timeoutMs} ms`,
      nonRetryable: false,
    });
  }
  const errnoCode = (value: unknown): string | undefined => {
    const code = (value as { code?: unknown } | null | undefined)?.code;
    return typeof code === 'string' ? code : undefined;
  };
  const code = errnoCode((error as { cause?: unknown } | null)?.cause) ?? errnoCode(error);
  return ApplicationFailure.create({
    type: ComplyCubeFailure.Unreachable,
    message: `ComplyCube ${route} could not be reached${code ? ` (${code})` : ''}`,
    nonRetryable: false,
  });
}

/** `value` as a ComplyCube ID, checked before any request is made. */
export function validId(name: string, value: string): string {
  const parsed = complyCubeIdSchema.safeParse(value);
  if (!parsed.success) {
    throw ApplicationFailure.create({
      type: ComplyCubeFailure.InvalidArgument,
      message: `${name} must be a ComplyCube ID (24 lowercase hex characters)`,
      nonRetryable: true,
    });
  }
  return parsed.data;
}

/** `value` as a positive integer (a page or page size), checked before any request is made. */
export function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw ApplicationFailure.create({
      type: ComplyCubeFailure.InvalidArgument,
      message: `${name} must be a positive integer`,
      nonRetryable: true,
    });
  }
  return value;
}
