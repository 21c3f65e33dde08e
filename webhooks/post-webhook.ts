/**
 * One delivery attempt of an outbound webhook: a single POST that connects only to addresses the
 * guard checked at this attempt (a DNS answer that changed since registration cannot reach a
 * private address), never follows redirects, and stops at one deadline however the receiver stalls.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import {
  parseWebhookUrl,
  resolveAllowedHost,
  type AllowedCidrs,
  type HostLookup,
  type ResolvedAddress,
} from './address-guard';

/** One attempt to send: the caller signs `body` and puts the signature in `headers`. */
export interface WebhookPost {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** One deadline for resolving, connecting, the response headers and the (discarded) response body. */
  timeoutMs: number;
  allowed: AllowedCidrs;
  /** Replaces the system resolver, for tests. */
  lookup?: HostLookup;
}

/**
 * How the attempt went. `error` names the failure without the URL's path or query (they may carry
 * tokens); `retryable` is false where the same attempt cannot succeed later (a refused address, a
 * bad URL or header, 410 Gone).
 */
export type PostResult =
  | { delivered: true; status: number; durationMs: number }
  | { delivered: false; status?: number; error: string; durationMs: number; retryable: boolean };

type Outcome =
  { delivered: true; status: number } | { delivered: false; status?: number; error: string; retryable: boolean };

const USER_AGENT = 'kyc-onboarding-webhooks/1';
/** The response body is read up to this much, then dropped: it is the receiver's, and could hold anything. */
const MAX_RESPONSE_BYTES = 4096;

const NETWORK_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed while sending',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connect timed out',
  ENOTFOUND: 'host does not resolve',
};

/**
 * POSTs one webhook. Never throws for network or receiver problems: a 2xx is delivered, anything
 * else comes back as a failure for the caller's retry policy.
 */
export async function postWebhook(post: WebhookPost): Promise<PostResult> {
  const started = performance.now();
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), post.timeoutMs);
  try {
    const outcome = await attempt(post, deadline.signal);
    return { ...outcome, durationMs: Math.round(performance.now() - started) };
  } finally {
    clearTimeout(timer);
  }
}

async function attempt(post: WebhookPost, deadline: AbortSignal): Promise<Outcome> {
  const parsed = parseWebhookUrl(post.url);
  if (!parsed.ok) return failure(`invalid URL: ${parsed.problem}`, false);
  const resolution = await beforeDeadline(resolveAllowedHost(parsed.host, post.allowed, post.lookup), deadline);
  if (resolution === undefined) return timedOut(post.timeoutMs);
  if (!resolution.ok) {
    return resolution.unresolvable
      ? failure(`host does not resolve: ${parsed.host}`, true)
      : failure(`address not allowed: ${resolution.reason}`, false);
  }
  return send(parsed.url, parsed.host, resolution.addresses, post, deadline);
}

/** The promise's value, or undefined if the deadline passes first. */
function beforeDeadline<T>(promise: Promise<T>, deadline: AbortSignal): Promise<T | undefined> {
  if (deadline.aborted) return Promise.resolve(undefined);
  return new Promise<T | undefined>((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    deadline.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => deadline.removeEventListener('abort', onAbort));
  });
}

function send(
  url: URL,
  host: string,
  addresses: ResolvedAddress[],
  post: WebhookPost,
  deadline: AbortSignal,
): Promise<Outcome> {
  return new Promise<Outcome>((resolve) => {
    let request: http.ClientRequest | undefined;
    let settled = false;
    const finish = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      deadline.removeEventListener('abort', onAbort);
      request?.destroy();
      resolve(outcome);
    };
    const onAbort = () => finish(timedOut(post.timeoutMs));
    try {
      request = (url.protocol === 'https:' ? https : http).request({
        protocol: url.protocol,
        hostname: host,
        port: url.port === '' ? undefined : Number(url.port),
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers: requestHeaders(post),
        // A fresh connection per attempt: no pooled socket to an address checked for another attempt,
        // and no proxy from the environment (a proxy would resolve the host itself).
        agent: false,
        lookup: pinnedLookup(host, addresses),
      });
    } catch {
      // http.request throws on a header name or value it cannot send; the value is not repeated here.
      return finish(failure('invalid request header', false));
    }
    request.on('error', (error) => finish(networkFailure(error)));
    request.on('response', (response) => readResponse(response, finish));
    deadline.addEventListener('abort', onAbort, { once: true });
    if (deadline.aborted) return onAbort();
    request.end(post.body);
  });
}

function requestHeaders(post: WebhookPost): Record<string, string> {
  const given = Object.fromEntries(Object.entries(post.headers).map(([name, value]) => [name.toLowerCase(), value]));
  return {
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    ...given,
    'content-length': String(Buffer.byteLength(post.body)),
  };
}

/**
 * A lookup that answers only with the addresses already checked, for the host already resolved:
 * `net` never asks DNS again, so a second, rebound answer cannot be used.
 */
function pinnedLookup(host: string, addresses: ResolvedAddress[]): LookupFunction {
  return (hostname, options, callback) => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : (options.family ?? 0);
    const fitting = addresses.filter((answer) => family === 0 || answer.family === family);
    const first = fitting[0];
    if (hostname !== host || first === undefined) {
      const error: NodeJS.ErrnoException = new Error('no checked address for this host');
      error.code = 'ENOTFOUND';
      callback(error, '');
    } else if (options.all) {
      callback(null, fitting);
    } else {
      callback(null, first.address, first.family);
    }
  };
}

/** Reads at most MAX_RESPONSE_BYTES of the body (dropping it), then judges by the status. */
function readResponse(response: http.IncomingMessage, finish: (outcome: Outcome) => void): void {
  const status = response.statusCode ?? 0;
  let received = 0;
  response.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received >= MAX_RESPONSE_BYTES) finish(judgeStatus(status));
  });
  response.on('end', () => finish(judgeStatus(status)));
  response.on('error', (error) => finish(networkFailure(error)));
}

function judgeStatus(status: number): Outcome {
  if (status >= 200 && status < 300) return { delivered: true, status };
  if (status >= 300 && status < 400) return { ...failure(`redirect not followed (${status})`, true), status };
  // 410 Gone: the receiver says the endpoint is gone for good.
  return { ...failure(`HTTP ${status}`, status !== 410), status };
}

/** Names a transport failure by its code only: `error.message` can carry addresses or more. */
function networkFailure(error: NodeJS.ErrnoException): Outcome {
  const code = error.code ?? '';
  const known = NETWORK_ERRORS[code];
  if (known !== undefined) return failure(known, true);
  if (/^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_)/.test(code)) {
    return failure(`TLS handshake failed (${code})`, true);
  }
  if (code.startsWith('HPE_')) return failure(`invalid HTTP response (${code})`, true);
  return failure(code === '' ? 'network error' : `network error (${code})`, true);
}

function timedOut(timeoutMs: number): Outcome {
  return failure(`timed out after ${timeoutMs}ms`, true);
}

function failure(error: string, retryable: boolean): Outcome & { delivered: false } {
  return { delivered: false, error, retryable };
}
