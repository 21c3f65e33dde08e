/**
 * The requests the API fuzzer sends (fast-check arbitraries): arbitrary methods, paths, headers,
 * query strings and bodies, near-valid onboarding and review bodies, and webhook bodies signed
 * with the real secret. `api-fuzz.ts` runs them.
 */
import fc from 'fast-check';
import { signWebhookBody } from '../../complycube/webhook-signature';
import { REVIEWER_TOKEN, SERVICE_TOKEN } from '../../system/in-process-credentials';

/** One request as the fuzzer sends it. */
export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

const hex24 = fc.stringMatching(/^[0-9a-f]{24}$/);
/** Any characters at all, NUL and the other controls included. */
const anyText = (maxLength: number) =>
  fc.oneof(fc.string({ maxLength }), fc.string({ unit: 'binary', maxLength }), fc.constantFrom('\u0000', 'a\u0000b'));
const anyId = fc.oneof(
  hex24,
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('', '..', '%00', '%2F', 'a'.repeat(500), '0'.repeat(24), 'ABCDEF0123456789abcdef01'),
);
const pathSegment = (id: string) => encodeURIComponent(id);

const route = fc.oneof(
  fc.constant('/v1/onboardings'),
  anyId.map((id) => `/v1/onboardings/${pathSegment(id)}`),
  anyId.map((id) => `/v1/onboardings/${pathSegment(id)}/review`),
  anyId.map((id) => `/v1/decisions/${pathSegment(id)}`),
  anyId.map((id) => `/v1/onboardings/${pathSegment(id)}/claim`),
  anyId.map((id) => `/v1/onboardings/${pathSegment(id)}/evidence`),
  anyId.map((id) => `/v1/onboardings/${pathSegment(id)}/audit`),
  fc.constant('/webhooks/complycube'),
  fc.constantFrom('/healthz', '/readyz', '/openapi.json', '/docs', '/', '/v1', '/v2/nothing', '/webhooks'),
  fc.constantFrom('/v1/session', '/console', '/console/', '/console/cases/x', '/console/assets/nope.js'),
  fc.webPath().map((p) => p || '/'),
);

const queryValue = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('awaiting_review', 'approved', 'escalated', '0', '-1', '101', '20', 'AAAA', '%'),
  fc.integer().map(String),
);
const query = fc
  .array(fc.tuple(fc.constantFrom('status', 'pageSize', 'pageToken', 'x', 'status[]', ''), queryValue), {
    maxLength: 4,
  })
  .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}` : ''));

/** Header values fetch accepts: printable, no line breaks. */
const headerValue = fc.string({ maxLength: 60 }).map((s) => s.replace(/[^\x20-\x7e]/g, ''));
const authorization = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(
    `Bearer ${SERVICE_TOKEN}`,
    `Bearer ${REVIEWER_TOKEN}`,
    `bearer ${SERVICE_TOKEN}`,
    'Bearer',
    'Basic x',
  ),
  headerValue.map((v) => `Bearer ${v}`),
);
const contentType = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    'application/x-www-form-urlencoded',
  ),
  headerValue,
);

const onboardingBody = fc.record(
  {
    clientId: fc.oneof(hex24, anyId),
    addressId: fc.oneof(hex24, anyId),
    documentId: fc.oneof(hex24, anyId),
    liveVideoId: fc.oneof(hex24, anyId),
    reverify: fc.oneof(fc.boolean(), fc.jsonValue()),
    extra: fc.jsonValue(),
  },
  { requiredKeys: [] },
);
const reviewBody = fc.record(
  {
    decision: fc.oneof(fc.constantFrom('approve', 'reject', 'maybe', ''), fc.jsonValue()),
    reason: fc.oneof(anyText(3000), fc.constantFrom('<script>alert(1)</script>', ''), fc.jsonValue()),
    reviewer: anyText(50),
  },
  { requiredKeys: [] },
);
const eventLike = fc.record(
  {
    id: fc.oneof(hex24, anyText(200), fc.constant('x'.repeat(9000)), fc.constant('e\u0000v')),
    type: fc.oneof(
      fc.constantFrom('check.completed', 'check.completed.clear', 'check.failed', 'check.pending', 'client.created'),
      fc.string({ maxLength: 80 }),
    ),
    resourceType: fc.oneof(fc.constantFrom('check', 'client'), fc.string()),
    payload: fc.oneof(
      fc.record(
        {
          id: fc.oneof(hex24, anyText(40)),
          status: fc.oneof(fc.constantFrom('complete', 'failed', 'pending'), anyText(20)),
          outcome: fc.oneof(fc.constantFrom('clear', 'attention'), anyText(20)),
        },
        { requiredKeys: [] },
      ),
      fc.jsonValue(),
    ),
    createdAt: fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.string(),
    ),
  },
  { requiredKeys: [] },
);
const rawBody = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  onboardingBody.map((v) => JSON.stringify(v)),
  reviewBody.map((v) => JSON.stringify(v)),
  eventLike.map((v) => JSON.stringify(v)),
  anyText(200),
  fc.constantFrom('{', '"', '{"a":', '\u0000', '[]', 'null', 'x'.repeat(70_000)),
);

/** A route with the method it takes, most of the time; any method on any path, the rest. */
const target = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ method: 'POST', path: '/v1/onboardings' }) },
  { weight: 2, arbitrary: fc.constant({ method: 'GET', path: '/v1/onboardings' }) },
  { weight: 2, arbitrary: anyId.map((id) => ({ method: 'GET', path: `/v1/onboardings/${pathSegment(id)}` })) },
  { weight: 3, arbitrary: anyId.map((id) => ({ method: 'POST', path: `/v1/onboardings/${pathSegment(id)}/review` })) },
  { weight: 1, arbitrary: anyId.map((id) => ({ method: 'GET', path: `/v1/decisions/${pathSegment(id)}` })) },
  { weight: 1, arbitrary: fc.constant({ method: 'POST', path: '/webhooks/complycube' }) },
  {
    weight: 2,
    arbitrary: anyId.chain((id) =>
      fc.constantFrom(
        { method: 'POST', path: `/v1/onboardings/${pathSegment(id)}/claim` },
        { method: 'DELETE', path: `/v1/onboardings/${pathSegment(id)}/claim` },
        { method: 'GET', path: `/v1/onboardings/${pathSegment(id)}/evidence` },
        { method: 'GET', path: `/v1/onboardings/${pathSegment(id)}/audit` },
      ),
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      { method: 'POST', path: '/v1/session' },
      { method: 'GET', path: '/v1/session' },
      { method: 'DELETE', path: '/v1/session' },
    ),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'),
      path: route,
    }),
  },
);

/** A request to any route, with any headers and body. */
export const anyRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({
    target,
    query,
    authorization,
    contentType,
    idempotencyKey: fc.option(headerValue, { nil: undefined }),
    requestId: fc.option(headerValue, { nil: undefined }),
    cookie: fc.option(
      fc.oneof(
        headerValue.map((v) => `kyc_session=${v}`),
        headerValue,
      ),
      { nil: undefined },
    ),
    csrfToken: fc.option(headerValue, { nil: undefined }),
    body: rawBody,
  })
  .map(
    ({
      target: { method, path },
      query: q,
      authorization: auth,
      contentType: type,
      idempotencyKey,
      requestId,
      cookie,
      csrfToken,
      body,
    }) => ({
      method,
      path: `${path}${q}`,
      headers: {
        ...(auth !== undefined ? { authorization: auth } : {}),
        ...(type !== undefined ? { 'content-type': type } : {}),
        ...(idempotencyKey !== undefined ? { 'idempotency-key': idempotencyKey } : {}),
        ...(requestId !== undefined ? { 'x-request-id': requestId } : {}),
        ...(cookie !== undefined ? { cookie } : {}),
        ...(csrfToken !== undefined ? { 'x-csrf-token': csrfToken } : {}),
      },
      ...(body !== undefined && method !== 'GET' && method !== 'HEAD' ? { body } : {}),
    }),
  );

/** A webhook delivery with a valid signature over an arbitrary body. */
export const signedWebhook = (secret: () => string): fc.Arbitrary<FuzzRequest> =>
  fc
    .oneof(
      eventLike.map((v) => JSON.stringify(v)),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 300 }),
    )
    .map((body) => ({
      method: 'POST',
      path: '/webhooks/complycube',
      headers: { 'content-type': 'application/json', 'complycube-signature': signWebhookBody(body, secret()) },
      body,
    }));
