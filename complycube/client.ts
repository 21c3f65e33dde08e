import { ApplicationFailure } from '@temporalio/common';
import { type z } from 'zod';
import type { ComplyCubeMetrics, ComplyCubeOperation } from '../observability/metrics';
import { inClientSpan } from '../observability/tracing';
import {
  apiErrorBodySchema,
  checkListSchema,
  checkSchema,
  complyCubeIdSchema,
  describeZodError,
  type Check,
  type CheckList,
  type CheckStatus,
  type CheckType,
} from './schemas';

export const DEFAULT_COMPLYCUBE_BASE_URL = 'https://api.complycube.com/v1';

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

export interface ComplyCubeClientOptions {
  /** e.g. `https://api.complycube.com/v1`, or the emulator's `http://127.0.0.1:8787/v1`. */
  baseUrl: string;
  apiKey: string;
  /** Per-request timeout. Default 10 s. */
  timeoutMs?: number;
  /** Counts each call by operation and status (429s included). */
  metrics?: ComplyCubeMetrics;
}

export interface IdentityFraudCheckRequest {
  clientId: string;
  addressId: string;
}

export interface EnhancedIdentityCheckRequest {
  clientId: string;
  documentId: string;
  liveVideoId: string;
}

export interface ListChecksFilter {
  clientId: string;
  type?: CheckType;
  status?: CheckStatus;
  documentId?: string;
  addressId?: string;
  liveVideoId?: string;
  page?: number;
  pageSize?: number;
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

/**
 * A small typed client for the ComplyCube check endpoints, on Node's `fetch` and zod.
 *
 * Every failure is an `ApplicationFailure` classified for Temporal: requests that can
 * never succeed are non-retryable with a named type; rate limits, server errors,
 * timeouts and connection errors are retryable, and a `Retry-After` header sets
 * `nextRetryDelay`.
 */
export class ComplyCubeClient {
  private readonly baseUrl: string;
  private readonly apiKey: string;
  private readonly timeoutMs: number;
  private readonly metrics: ComplyCubeMetrics | undefined;

  constructor(options: ComplyCubeClientOptions) {
    if (!options.apiKey) throw new TypeError('ComplyCube API key is required');
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.apiKey = options.apiKey;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.metrics = options.metrics;
  }

  createIdentityFraudCheck(request: IdentityFraudCheckRequest): Promise<Check> {
    return this.request('POST', 'checks', checkSchema, {
      clientId: validId('clientId', request.clientId),
      addressId: validId('addressId', request.addressId),
      type: 'identity_fraud_check',
    });
  }

  createEnhancedIdentityCheck(request: EnhancedIdentityCheckRequest): Promise<Check> {
    return this.request('POST', 'checks', checkSchema, {
      clientId: validId('clientId', request.clientId),
      documentId: validId('documentId', request.documentId),
      liveVideoId: validId('liveVideoId', request.liveVideoId),
      type: 'enhanced_identity_check',
    });
  }

  getCheck(checkId: string): Promise<Check> {
    return this.request('GET', `checks/${validId('checkId', checkId)}`, checkSchema);
  }

  /** One page of a client's checks, newest first. */
  listChecks(filter: ListChecksFilter): Promise<CheckList> {
    const query = new URLSearchParams({ clientId: validId('clientId', filter.clientId) });
    for (const key of ['documentId', 'addressId', 'liveVideoId'] as const) {
      const value = filter[key];
      if (value !== undefined) query.set(key, validId(key, value));
    }
    if (filter.type) query.set('type', filter.type);
    if (filter.status) query.set('status', filter.status);
    if (filter.page !== undefined) query.set('page', String(positiveInt('page', filter.page)));
    if (filter.pageSize !== undefined) query.set('pageSize', String(positiveInt('pageSize', filter.pageSize)));
    return this.request('GET', `checks?${query.toString()}`, checkListSchema);
  }

  private async request<S extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    schema: S,
    body?: unknown,
  ): Promise<z.infer<S>> {
    const route = `${method} /${path.split('?')[0]?.replace(/[0-9a-f]{24}/g, ':id')}`;
    const operation: ComplyCubeOperation =
      method === 'POST' ? 'create_check' : path.startsWith('checks?') ? 'list_checks' : 'get_check';
    const headers: Record<string, string> = {
      Authorization: this.apiKey,
      Accept: 'application/json',
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    };
    const started = performance.now();
    const { response, text } = await inClientSpan(
      `ComplyCube ${route}`,
      { 'http.request.method': method, 'url.template': route, 'complycube.operation': operation },
      headers,
      async (span) => {
        const count = (status: string) =>
          this.metrics?.request(operation, status, (performance.now() - started) / 1000);
        let answer: Response;
        try {
          answer = await fetch(`${this.baseUrl}/${path}`, {
            method,
            headers,
            body: body === undefined ? undefined : JSON.stringify(body),
            signal: AbortSignal.timeout(this.timeoutMs),
          });
        } catch (error) {
          const failure = transportFailure(route, error, this.timeoutMs);
          count(failure.type === ComplyCubeFailure.Timeout ? 'timeout' : 'network_error');
          throw failure;
        }
        span.setAttribute('http.response.status_code', answer.status);
        try {
          const answerText = await answer.text();
          count(String(answer.status));
          return { response: answer, text: answerText };
        } catch (error) {
          count('network_error');
          throw transportFailure(route, error, this.timeoutMs);
        }
      },
    );

    if (!response.ok) throw failureFromResponse(route, response.status, text, response.headers.get('retry-after'));

    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw ApplicationFailure.create({
        type: ComplyCubeFailure.InvalidResponse,
        message: `ComplyCube ${route} answered ${response.status} with a body that is not JSON`,
        nonRetryable: true,
        details: [{ httpStatus: response.status } satisfies ComplyCubeFailureDetails],
      });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw ApplicationFailure.create({
        type: ComplyCubeFailure.InvalidResponse,
        message: `ComplyCube ${route} response does not match its schema: ${describeZodError(parsed.error)}`,
        nonRetryable: true,
        details: [{ httpStatus: response.status } satisfies ComplyCubeFailureDetails],
      });
    }
    return parsed.data;
  }
}

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

function transportFailure(route: string, error: unknown, timeoutMs: number): ApplicationFailure {
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

function validId(name: string, value: string): string {
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

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw ApplicationFailure.create({
      type: ComplyCubeFailure.InvalidArgument,
      message: `${name} must be a positive integer`,
      nonRetryable: true,
    });
  }
  return value;
}
