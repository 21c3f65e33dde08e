import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import type { ComplyCubeMetrics, ComplyCubeOperation } from '../observability/metrics';
import { inClientSpan } from '../observability/tracing';
import {
  ComplyCubeFailure,
  failureFromResponse,
  invalidResponse,
  positiveInt,
  transportFailure,
  validId,
} from './failures';
import {
  checkListSchema,
  checkSchema,
  describeZodError,
  type Check,
  type CheckList,
  type CheckStatus,
  type CheckType,
} from './schemas';
import type { SendPacer } from './send-pacer';

export {
  ComplyCubeFailure,
  RETRY_AFTER_BOUNDS_MS,
  clampRetryDelay,
  failureFromResponse,
  parseRetryAfter,
  type ComplyCubeFailureDetails,
  type ComplyCubeFailureType,
} from './failures';

export const DEFAULT_COMPLYCUBE_BASE_URL = 'https://api.complycube.com/v1';

export interface ComplyCubeClientOptions {
  /** e.g. `https://api.complycube.com/v1`, or the emulator's `http://127.0.0.1:8787/v1`. */
  baseUrl: string;
  apiKey: string;
  /** Per-request timeout. Default 10 s. */
  timeoutMs?: number;
  /** Counts each call by operation and status (429s included). */
  metrics?: ComplyCubeMetrics;
  /** Waits for the fleet's next send slot before each request (`send-pacer.ts`); unpaced when absent. */
  pace?: SendPacer;
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
  private readonly pace: SendPacer | undefined;

  constructor(options: ComplyCubeClientOptions) {
    if (!options.apiKey) throw new TypeError('ComplyCube API key is required');
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.apiKey = options.apiKey;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.metrics = options.metrics;
    this.pace = options.pace;
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

  /**
   * Deletes a client and what ComplyCube holds of it (an erasure): `deleted`, or `not_found` when
   * ComplyCube has no such client (deleted before, or never there).
   */
  async deleteClient(clientId: string): Promise<'deleted' | 'not_found'> {
    try {
      await this.request('DELETE', `clients/${validId('clientId', clientId)}`, z.unknown());
      return 'deleted';
    } catch (error) {
      if (error instanceof ApplicationFailure && error.type === ComplyCubeFailure.NotFound) return 'not_found';
      throw error;
    }
  }

  /**
   * A GET of another ComplyCube resource (`applicant-reads.ts`), paced, traced, counted as
   * `operation` and checked against `schema` as the check calls are. `path` holds validated IDs only.
   */
  read<S extends z.ZodType>(operation: ComplyCubeOperation, path: string, schema: S): Promise<z.infer<S>> {
    return this.request('GET', path, schema, undefined, operation);
  }

  private async request<S extends z.ZodType>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    schema: S,
    body?: unknown,
    named?: ComplyCubeOperation,
  ): Promise<z.infer<S>> {
    const route = `${method} /${path.split('?')[0]?.replace(/[0-9a-f]{24}/g, ':id')}`;
    const operation: ComplyCubeOperation =
      named ??
      (method === 'DELETE'
        ? 'delete_client'
        : method === 'POST'
          ? 'create_check'
          : path.startsWith('checks?')
            ? 'list_checks'
            : 'get_check');
    const headers: Record<string, string> = {
      Authorization: this.apiKey,
      Accept: 'application/json',
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    };
    const settle = await this.pace?.();
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
            // Answered or failed, the call reached ComplyCube by now, if at all: the pace hears so.
          }).finally(settle);
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

    // A deletion answers with no body.
    if (method === 'DELETE' && text.trim() === '') return undefined as z.infer<S>;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw invalidResponse(route, response.status, `answered ${response.status} with a body that is not JSON`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw invalidResponse(
        route,
        response.status,
        `response does not match its schema: ${describeZodError(parsed.error)}`,
      );
    }
    return parsed.data;
  }
}
