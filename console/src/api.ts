/**
 * The console's calls to the API, on the same origin: the session cookie goes along by itself
 * (SameSite=Strict), and every state-changing request carries the session's CSRF token.
 */
import { activityHeaders } from './activity';

export interface ApiError {
  status: number;
  error: string;
  message: string;
  details?: unknown;
}

let csrfToken: string | undefined;

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

export class RequestFailed extends Error {
  constructor(readonly problem: ApiError) {
    super(problem.message);
  }
}

/** Called when the session has ended (expired, signed out elsewhere): the app shows the sign-in. */
let onSignedOut: () => void = () => undefined;
export function whenSignedOut(callback: () => void): void {
  onSignedOut = callback;
}

export async function api<T>(
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T; /** The answer exactly as sent, to save as it came. */ text: string }> {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: {
      Accept: 'application/json',
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...(method !== 'GET' && csrfToken ? { 'X-CSRF-Token': csrfToken } : {}),
      ...activityHeaders(),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as unknown) : undefined;
  if (response.status === 401 && path !== '/v1/session') onSignedOut();
  if (!response.ok) {
    const problem = (parsed ?? {}) as Partial<ApiError>;
    throw new RequestFailed({
      status: response.status,
      error: problem.error ?? 'error',
      message: problem.message ?? `The request failed (${response.status})`,
      ...(problem.details !== undefined ? { details: problem.details } : {}),
    });
  }
  return { status: response.status, body: parsed as T, text };
}

/** A fresh idempotency key per attempt of the same form: a retried click is the same request. */
export function newIdempotencyKey(): string {
  return `console-${crypto.randomUUID()}`;
}
