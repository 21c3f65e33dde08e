import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { ComplyCube, EventVerifier } from '@complycube/api';
import { ApplicationFailure } from '@temporalio/common';
import { attentionAnalyses } from '../complycube/attention';
import { ComplyCubeClient, ComplyCubeFailure, failureFromResponse, parseRetryAfter } from '../complycube/client';
import {
  apiErrorBodySchema,
  checkListSchema,
  checkSchema,
  describeZodError,
  webhookEventSchema,
} from '../complycube/schemas';
import { isValidWebhookSignature, signWebhookBody } from '../complycube/webhook-signature';
import { createEmulator, type Emulator } from '../complycube-emulator/emulator';
import { seedApplicant, type SeededApplicant } from '../complycube-emulator/seed-applicant';

const API_KEY = 'test_contract_key';
const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(path.join(__dirname, 'fixtures', name), 'utf8')) as unknown;

/** Runs `fn` and returns the ApplicationFailure it throws. */
async function failureOf(fn: () => Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await fn();
  } catch (error) {
    assert.ok(error instanceof ApplicationFailure, `expected an ApplicationFailure, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a failure');
}

/** Runs `fn` and returns the SDK's ComplyCubeApiError. */
async function sdkErrorOf(fn: () => Promise<unknown>): Promise<{ statusCode: number; type: string; param: unknown }> {
  try {
    await fn();
  } catch (error) {
    const apiError = error as { statusCode?: number; type?: string; param?: unknown; responseBody?: unknown };
    assert.equal(typeof apiError.statusCode, 'number', `expected a ComplyCubeApiError, got ${String(error)}`);
    // The error body itself follows ComplyCube's schema.
    apiErrorBodySchema.parse(apiError.responseBody);
    return apiError as { statusCode: number; type: string; param: unknown };
  }
  assert.fail('expected the SDK to throw');
}

describe('ComplyCube schemas', () => {
  it('parse both seed sample responses unchanged', () => {
    for (const name of ['seed-identity-fraud-check.json', 'seed-enhanced-identity-check.json']) {
      const sample = fixture(name);
      const parsed = checkSchema.parse(sample);
      assert.deepEqual(parsed, sample, `${name} must round-trip without losing or adding fields`);
    }
  });

  it('keep unknown extra fields', () => {
    const sample = fixture('seed-identity-fraud-check.json') as Record<string, unknown>;
    const parsed = checkSchema.parse({ ...sample, riskScore: 7 }) as Record<string, unknown>;
    assert.equal(parsed.riskScore, 7);
  });

  it('name the missing required field', () => {
    const sample = fixture('seed-enhanced-identity-check.json') as Record<string, unknown>;
    const { liveVideoId: _omitted, ...withoutVideo } = sample;
    const result = checkSchema.safeParse(withoutVideo);
    assert.equal(result.success, false);
    assert.match(describeZodError(result.error), /^liveVideoId: /);
  });

  it('name the field holding an unknown outcome or status', () => {
    const sample = structuredClone(fixture('seed-identity-fraud-check.json')) as {
      status: string;
      result: { outcome: string; breakdown: { databaseAnalysis: { police: string } } };
    };
    sample.result.outcome = 'maybe';
    let result = checkSchema.safeParse(sample);
    assert.match(describeZodError(result.error!), /result\.outcome: /);

    sample.result.outcome = 'clear';
    sample.result.breakdown.databaseAnalysis.police = 'unsure';
    result = checkSchema.safeParse(sample);
    assert.match(describeZodError(result.error!), /result\.breakdown\.databaseAnalysis\.police: /);

    sample.result.breakdown.databaseAnalysis.police = 'clear';
    sample.status = 'done';
    result = checkSchema.safeParse(sample);
    assert.match(describeZodError(result.error!), /status: /);
  });

  it('reject a complete check without a result', () => {
    const sample = fixture('seed-identity-fraud-check.json') as Record<string, unknown>;
    const { result: _omitted, ...withoutResult } = sample;
    assert.match(describeZodError(checkSchema.safeParse(withoutResult).error!), /^result: a complete check/);
  });

  it('derive no attention analyses from the clear seed samples', () => {
    assert.deepEqual(attentionAnalyses(checkSchema.parse(fixture('seed-identity-fraud-check.json'))), []);
    assert.deepEqual(attentionAnalyses(checkSchema.parse(fixture('seed-enhanced-identity-check.json'))), []);
  });

  it('derive which analyses need attention', () => {
    const sample = structuredClone(fixture('seed-enhanced-identity-check.json')) as {
      result: { outcome: string; breakdown: Record<string, Record<string, string>> };
    };
    sample.result.outcome = 'attention';
    sample.result.breakdown.faceAnalysis!.previouslyEnrolledFace = 'attention';
    sample.result.breakdown.integrityAnalysis!.vpnDetected = 'attention';
    assert.deepEqual(attentionAnalyses(checkSchema.parse(sample)), [
      'faceAnalysis.previouslyEnrolledFace',
      'integrityAnalysis.vpnDetected',
    ]);
  });
});

describe('ComplyCube error classification', () => {
  const nonRetryable: [number, string][] = [
    [400, ComplyCubeFailure.BadRequest],
    [401, ComplyCubeFailure.Unauthorized],
    [402, ComplyCubeFailure.PaymentRequired],
    [403, ComplyCubeFailure.Unauthorized],
    [404, ComplyCubeFailure.NotFound],
    [413, ComplyCubeFailure.PayloadTooLarge],
    [422, ComplyCubeFailure.Unprocessable],
  ];
  for (const [status, type] of nonRetryable) {
    it(`treats ${status} as permanent (${type})`, () => {
      const failure = failureFromResponse('POST /checks', status, '{"type":"x","param":"addressId"}', null);
      assert.equal(failure.type, type);
      assert.equal(failure.nonRetryable, true);
      assert.deepEqual(failure.details, [{ httpStatus: status, complyCubeType: 'x', param: 'addressId' }]);
    });
  }

  for (const status of [429, 500, 502, 503]) {
    it(`treats ${status} as retryable`, () => {
      const failure = failureFromResponse('GET /checks/:id', status, 'not json', null);
      assert.equal(failure.nonRetryable, false);
      assert.equal(failure.nextRetryDelay, undefined);
    });
  }

  it('always retries a 429, whatever Retry-After asks: 0 and huge values are clamped', () => {
    const delay = (header: string) => failureFromResponse('POST /checks', 429, '{}', header).nextRetryDelay;
    assert.equal(delay('0'), 1_000);
    assert.equal(delay('7'), 7_000);
    assert.equal(delay('86400'), 300_000);
    assert.equal(failureFromResponse('POST /checks', 429, '{}', '0').nonRetryable, false);
    assert.equal(failureFromResponse('GET /checks/:id', 503, '{}', '0').nextRetryDelay, 1_000);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('3', now), 3000);
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now), 5000);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(null, now), undefined);
  });
});

describe('webhook signatures', () => {
  it('pass ComplyCube’s documented test vector', () => {
    const expected = 'bc00414fa4d54277a3ed01e5ee258d9800a918a7791c7cda16d38b82f38f2150';
    assert.equal(signWebhookBody('{"id":"value"}', 'a_webhook_signature'), expected);
    assert.equal(isValidWebhookSignature('{"id":"value"}', expected, 'a_webhook_signature'), true);
  });

  it('agree with the official SDK’s EventVerifier', () => {
    const secret = 'a_webhook_signature';
    const body = JSON.stringify({ id: 'e1', type: 'check.completed', resourceType: 'check', payload: { id: 'c' } });
    const cases = [
      signWebhookBody(body, secret),
      signWebhookBody(body, 'another_secret'),
      signWebhookBody(`${body} `, secret),
      signWebhookBody(body, secret).toUpperCase(),
      '00'.repeat(32),
      'not-hex',
      '',
    ];
    for (const signature of cases) {
      let sdkAccepts: boolean;
      try {
        new EventVerifier(secret).constructEvent(body, signature);
        sdkAccepts = true;
      } catch {
        sdkAccepts = false;
      }
      assert.equal(
        isValidWebhookSignature(body, signature, secret),
        sdkAccepts,
        `signature ${JSON.stringify(signature)}`,
      );
    }
  });
});

describe('the emulator, driven by the official SDK and by our client', () => {
  let emulator: Emulator;
  let baseUrl: string;
  let root: string;
  let sdk: ComplyCube;
  let client: ComplyCubeClient;
  let applicant: SeededApplicant;

  const control = async (route: string, body: unknown): Promise<unknown> => {
    const response = await fetch(`${root}/_emulator${route}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) assert.fail(`control ${route}: ${response.status} ${await response.text()}`);
    return response.status === 204 ? undefined : response.json();
  };
  const clearFaults = () => fetch(`${root}/_emulator/faults`, { method: 'DELETE' });
  const sdkFor = (key: string) => {
    const instance = new ComplyCube({ apiKey: key });
    instance.axiosInstance.defaults.baseURL = baseUrl;
    return instance;
  };
  const waitForStatus = async (checkId: string, status: string) => {
    for (let i = 0; i < 100; i += 1) {
      const check = await client.getCheck(checkId);
      if (check.status === status) return check;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.fail(`check did not become ${status}`);
  };

  before(async () => {
    emulator = createEmulator({
      apiKeys: [API_KEY],
      rateLimitPerSecond: 0,
      checkLatencyMs: { identity_fraud_check: 100, enhanced_identity_check: 150 },
      // The full retry schedule is about 122,600 s: scaled, about 2.5 s.
      webhookRetryTimeScale: 0.00002,
      bodyLimitBytes: 64 * 1024,
    });
    baseUrl = await emulator.listen();
    root = baseUrl.replace(/\/v1$/, '');
    sdk = sdkFor(API_KEY);
    client = new ComplyCubeClient({ baseUrl, apiKey: API_KEY, timeoutMs: 500 });
    applicant = await seedApplicant(baseUrl, API_KEY);
  });

  after(async () => {
    await emulator.close();
  });

  it('SDK: creates a client, address, document, image and reads a seeded live video', async () => {
    const created = await sdk.client.create({
      type: 'person',
      email: 'sdk@example.com',
      personDetails: { firstName: 'Sdk', lastName: 'User' },
    });
    assert.match(created.id, /^[0-9a-f]{24}$/);
    assert.equal((await sdk.client.get(created.id)).id, created.id);
    const address = await sdk.address.create(created.id, { line: '2 Road', city: 'Leeds', country: 'GB' });
    assert.equal(address.clientId, created.id);
    const document = await sdk.document.create(created.id, { type: 'driving_license', issuingCountry: 'GB' });
    const image = await sdk.document.upload(
      document.id,
      { fileName: 'front.png', data: Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2]).toString('base64') },
      'front',
    );
    assert.equal(image.documentSide, 'front');
    assert.equal(image.contentType, 'image/png');
    const video = await sdk.liveVideo.get(applicant.liveVideoId);
    assert.equal(video.clientId, applicant.clientId);
  });

  it('SDK and client: create both checks; each response parses with our schemas', async () => {
    const fraud = await sdk.check.create(applicant.clientId, {
      type: 'identity_fraud_check',
      addressId: applicant.addressId,
    });
    assert.equal(checkSchema.parse(fraud).status, 'pending');
    const enhanced = await sdk.check.create(applicant.clientId, {
      type: 'enhanced_identity_check',
      documentId: applicant.documentId,
      liveVideoId: applicant.liveVideoId,
    });
    assert.equal(checkSchema.parse(enhanced).type, 'enhanced_identity_check');

    const ours = await client.createIdentityFraudCheck(applicant);
    assert.equal(ours.type, 'identity_fraud_check');
    assert.equal(ours.status, 'pending');
    const oursEnhanced = await client.createEnhancedIdentityCheck(applicant);
    assert.equal(oursEnhanced.type, 'enhanced_identity_check');

    const complete = await waitForStatus(oursEnhanced.id, 'complete');
    assert.equal(complete.result?.outcome, 'clear');
    assert.deepEqual(attentionAnalyses(complete), []);
    const sdkView = await sdk.check.get(oursEnhanced.id);
    assert.deepEqual(checkSchema.parse(sdkView), complete);
  });

  it('SDK and client: list a client’s checks with filters and pagination, newest first', async () => {
    const { clientId, addressId } = await seedApplicant(baseUrl, API_KEY);
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push((await client.createIdentityFraudCheck({ clientId, addressId })).id);

    const sdkItems = await sdk.check.list(clientId, { pageSize: 2 });
    assert.deepEqual(
      sdkItems.map((c) => c.id),
      [ids[2], ids[1]],
    );
    const page2 = await client.listChecks({ clientId, type: 'identity_fraud_check', page: 2, pageSize: 2 });
    assert.deepEqual(
      { page: page2.page, pageSize: page2.pageSize, totalItems: page2.totalItems, pages: page2.pages },
      { page: 2, pageSize: 2, totalItems: 3, pages: 2 },
    );
    assert.deepEqual(
      page2.items.map((c) => c.id),
      [ids[0]],
    );
    assert.equal((await client.listChecks({ clientId, type: 'enhanced_identity_check' })).totalItems, 0);
    assert.equal((await client.listChecks({ clientId, addressId })).totalItems, 3);
    // A malformed filter yields no items, not an error.
    const raw = await fetch(`${baseUrl}/checks?clientId=${clientId}&status=bogus`, {
      headers: { Authorization: API_KEY },
    });
    assert.equal(raw.status, 200);
    assert.equal(checkListSchema.parse(await raw.json()).totalItems, 0);
  });

  it('sandbox triggers: last name "attention" gives attention outcomes with analyses', async () => {
    const flagged = await seedApplicant(baseUrl, API_KEY, { lastName: 'attention' });
    const fraud = await client.createIdentityFraudCheck(flagged);
    const enhanced = await client.createEnhancedIdentityCheck(flagged);
    const fraudDone = await waitForStatus(fraud.id, 'complete');
    const enhancedDone = await waitForStatus(enhanced.id, 'complete');
    assert.equal(fraudDone.result?.outcome, 'attention');
    assert.deepEqual(attentionAnalyses(fraudDone), ['databaseAnalysis.police']);
    assert.deepEqual(attentionAnalyses(enhancedDone), ['faceAnalysis.previouslyEnrolledFace']);
  });

  it('sandbox triggers: last name "failed" fails the check', async () => {
    const failing = await seedApplicant(baseUrl, API_KEY, { lastName: 'failed' });
    const check = await client.createIdentityFraudCheck(failing);
    const failed = await waitForStatus(check.id, 'failed');
    assert.equal(failed.result, undefined);
  });

  it('control routes: per-type outcome, analyses and never completing', async () => {
    const someone = await seedApplicant(baseUrl, API_KEY);
    await control(`/clients/${someone.clientId}/behaviour`, {
      identity_fraud_check: { attention: ['identityVerification.dob', 'databaseAnalysis.mortality'] },
      enhanced_identity_check: { neverComplete: true },
    });
    const fraud = await client.createIdentityFraudCheck(someone);
    const enhanced = await client.createEnhancedIdentityCheck(someone);
    assert.deepEqual(attentionAnalyses(await waitForStatus(fraud.id, 'complete')), [
      'databaseAnalysis.mortality',
      'identityVerification.dob',
    ]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal((await client.getCheck(enhanced.id)).status, 'pending');
  });

  it('validates check requests as ComplyCube does', async () => {
    const other = await seedApplicant(baseUrl, API_KEY);
    // Required field missing.
    let error = await sdkErrorOf(() => sdk.check.create(applicant.clientId, { type: 'identity_fraud_check' }));
    assert.deepEqual([error.statusCode, error.type, error.param], [400, 'invalid_request', 'addressId']);
    // Another client's address is not this client's.
    let failure = await failureOf(() =>
      client.createIdentityFraudCheck({ clientId: applicant.clientId, addressId: other.addressId }),
    );
    assert.equal(failure.type, ComplyCubeFailure.NotFound);
    assert.deepEqual(failure.details, [{ httpStatus: 404, complyCubeType: 'resource_not_found', param: 'addressId' }]);
    // Enhanced checks need a document with a front image.
    const document = await sdk.document.create(applicant.clientId, { type: 'passport' });
    failure = await failureOf(() => client.createEnhancedIdentityCheck({ ...applicant, documentId: document.id }));
    assert.equal(failure.type, ComplyCubeFailure.BadRequest);
    // Enhanced checks only for person clients.
    const company = await sdk.client.create({
      type: 'company',
      email: 'co@example.com',
      companyDetails: { name: 'Acme Ltd' },
    });
    error = await sdkErrorOf(() =>
      sdk.check.create(company.id, {
        type: 'enhanced_identity_check',
        documentId: applicant.documentId,
        liveVideoId: applicant.liveVideoId,
      }),
    );
    assert.deepEqual([error.statusCode, error.param], [400, 'clientId']);
    // Unknown type.
    error = await sdkErrorOf(() => sdk.check.create(applicant.clientId, { type: 'palm_reading' }));
    assert.deepEqual([error.statusCode, error.param], [400, 'type']);
  });

  it('each error status reaches the SDK as ComplyCubeApiError and our client as a classified failure', async () => {
    // 401: wrong key, and a Bearer-prefixed key.
    assert.equal((await sdkErrorOf(() => sdkFor('test_wrong').check.get(applicant.clientId))).statusCode, 401);
    assert.equal((await sdkErrorOf(() => sdkFor(`Bearer ${API_KEY}`).check.get(applicant.clientId))).statusCode, 401);
    let failure = await failureOf(() =>
      new ComplyCubeClient({ baseUrl, apiKey: 'test_wrong' }).getCheck('a'.repeat(24)),
    );
    assert.deepEqual([failure.type, failure.nonRetryable], [ComplyCubeFailure.Unauthorized, true]);
    // 403: a live key against the sandbox.
    assert.equal((await sdkErrorOf(() => sdkFor('live_abc').check.get(applicant.clientId))).statusCode, 403);
    // 404.
    const notFound = await sdkErrorOf(() => sdk.check.get('b'.repeat(24)));
    assert.deepEqual([notFound.statusCode, notFound.type], [404, 'resource_not_found']);
    failure = await failureOf(() => client.getCheck('b'.repeat(24)));
    assert.deepEqual([failure.type, failure.nonRetryable], [ComplyCubeFailure.NotFound, true]);
    // 413: a body over the limit.
    const big = await sdkErrorOf(() =>
      sdk.document.upload(applicant.documentId, { fileName: 'x.jpg', data: 'A'.repeat(100_000) }, 'front'),
    );
    assert.equal(big.statusCode, 413);
    // 422: an image that cannot be read.
    const unreadable = await sdkErrorOf(() =>
      sdk.document.upload(
        applicant.documentId,
        { fileName: 'x.jpg', data: Buffer.from('text').toString('base64') },
        'front',
      ),
    );
    assert.deepEqual([unreadable.statusCode, unreadable.type], [422, 'image_unreadable']);
    // 402, 500 and 429 injected.
    for (const [status, type, nonRetryableExpected] of [
      [402, ComplyCubeFailure.PaymentRequired, true],
      [500, ComplyCubeFailure.ServerError, false],
      [503, ComplyCubeFailure.ServerError, false],
    ] as const) {
      await control('/faults', { kind: 'error', status, path: '/checks', count: 2 });
      assert.equal(
        (
          await sdkErrorOf(() =>
            sdk.check.create(applicant.clientId, { type: 'identity_fraud_check', addressId: applicant.addressId }),
          )
        ).statusCode,
        status,
      );
      failure = await failureOf(() => client.createIdentityFraudCheck(applicant));
      assert.deepEqual([failure.type, failure.nonRetryable], [type, nonRetryableExpected]);
    }
    await control('/faults', { kind: 'rate_limit', count: 1 });
    assert.equal((await sdkErrorOf(() => sdk.check.get(applicant.clientId))).statusCode, 429);
  });

  it('client: 429 with Retry-After sets the next retry delay; without it, Temporal’s back-off applies', async () => {
    await control('/faults', { kind: 'rate_limit', retryAfterSeconds: 7 });
    let failure = await failureOf(() => client.listChecks({ clientId: applicant.clientId }));
    assert.deepEqual(
      [failure.type, failure.nonRetryable, failure.nextRetryDelay],
      [ComplyCubeFailure.RateLimited, false, 7000],
    );
    await control('/faults', { kind: 'rate_limit' });
    failure = await failureOf(() => client.listChecks({ clientId: applicant.clientId }));
    assert.deepEqual([failure.type, failure.nextRetryDelay], [ComplyCubeFailure.RateLimited, undefined]);
    // The fault was used up: the next call succeeds.
    assert.ok((await client.listChecks({ clientId: applicant.clientId })).totalItems >= 0);
  });

  it('client: a response delayed past the timeout is a retryable Timeout', async () => {
    await control('/faults', { kind: 'delay', delayMs: 1500, method: 'GET' });
    const failure = await failureOf(() => client.listChecks({ clientId: applicant.clientId }));
    assert.deepEqual([failure.type, failure.nonRetryable], [ComplyCubeFailure.Timeout, false]);
  });

  it('client: a create whose response is dropped is retryable, and the check exists', async () => {
    const someone = await seedApplicant(baseUrl, API_KEY);
    await control('/faults', { kind: 'drop_response', method: 'POST', path: '/checks' });
    const failure = await failureOf(() => client.createIdentityFraudCheck(someone));
    assert.deepEqual([failure.type, failure.nonRetryable], [ComplyCubeFailure.Unreachable, false]);
    // The caller could not know it, but the check was created: this is why retries must look before creating.
    assert.equal((await client.listChecks({ clientId: someone.clientId })).totalItems, 1);
  });

  it('client: an unreachable host is a retryable Unreachable', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const offline = new ComplyCubeClient({ baseUrl: `http://127.0.0.1:${port}/v1`, apiKey: API_KEY });
    const failure = await failureOf(() => offline.getCheck('c'.repeat(24)));
    assert.deepEqual([failure.type, failure.nonRetryable], [ComplyCubeFailure.Unreachable, false]);
  });

  it('client: validates IDs before putting them in a URL', async () => {
    const failure = await failureOf(() => client.getCheck('../clients'));
    assert.deepEqual([failure.type, failure.nonRetryable], [ComplyCubeFailure.InvalidArgument, true]);
  });

  describe('webhooks', () => {
    let receiver: Server;
    let receiverUrl: string;
    let received: { body: string; signature: string | undefined }[] = [];
    /** Status codes the receiver answers with, in order; 200 once they run out. */
    let answers: number[] = [];

    before(async () => {
      receiver = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          received.push({
            body: Buffer.concat(chunks).toString('utf8'),
            signature: request.headers['complycube-signature'] as string | undefined,
          });
          response.writeHead(answers.shift() ?? 200).end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    });

    after(async () => {
      await new Promise((resolve) => receiver.close(resolve));
    });

    const eventsFor = (checkId: string) =>
      received.map((r) => webhookEventSchema.parse(JSON.parse(r.body))).filter((event) => event.payload.id === checkId);

    const waitFor = async (predicate: () => boolean, what: string) => {
      for (let i = 0; i < 200 && !predicate(); i += 1) await new Promise((resolve) => setTimeout(resolve, 25));
      assert.ok(predicate(), what);
    };

    it('returns the secret once, then signs each check event with it', async () => {
      const webhook = await sdk.webhook.create({ url: receiverUrl, events: ['check.completed', 'check.failed'] });
      assert.ok(webhook.secret, 'the secret is returned at creation');
      assert.equal((await sdk.webhook.get(webhook.id)).secret, undefined);
      assert.equal((await sdk.webhook.list()).find((w) => w.id === webhook.id)?.secret, undefined);

      received = [];
      const check = await client.createIdentityFraudCheck(applicant);
      await waitFor(() => eventsFor(check.id).length === 1, 'one check.completed event');
      const delivery = received.find((r) => r.body.includes(check.id))!;
      assert.ok(isValidWebhookSignature(delivery.body, delivery.signature, webhook.secret));
      assert.deepEqual(
        new EventVerifier(webhook.secret).constructEvent(delivery.body, delivery.signature!).payload.id,
        check.id,
      );
      const [event] = eventsFor(check.id);
      assert.deepEqual(
        [event!.type, event!.payload.status, event!.payload.outcome],
        ['check.completed', 'complete', 'clear'],
      );
      await sdk.webhook.delete(webhook.id);
    });

    afterEach(async () => {
      answers = [];
      await clearFaults();
      for (const webhook of await sdk.webhook.list()) await sdk.webhook.delete(webhook.id);
    });

    it('retries a failing receiver on the (scaled) schedule, then disables the webhook', async () => {
      const webhook = await sdk.webhook.create({ url: receiverUrl, events: ['check.completed'] });
      received = [];
      answers = Array<number>(11).fill(500);
      const check = await client.createIdentityFraudCheck(applicant);
      // One delivery and ten retries.
      await waitFor(() => eventsFor(check.id).length === 11, 'eleven attempts');
      for (let i = 0; i < 100 && (await sdk.webhook.get(webhook.id)).enabled; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      assert.equal((await sdk.webhook.get(webhook.id)).enabled, false, 'disabled after ten retries');
      await sdk.webhook.delete(webhook.id);
    });

    it('recovers once the receiver answers 2xx', async () => {
      const webhook = await sdk.webhook.create({ url: receiverUrl, events: ['check.completed'] });
      received = [];
      answers = [503, 503];
      const check = await client.createIdentityFraudCheck(applicant);
      await waitFor(() => eventsFor(check.id).length === 3, 'two failed attempts, then a successful one');
      await new Promise((resolve) => setTimeout(resolve, 600));
      assert.equal(eventsFor(check.id).length, 3, 'no retries after a 2xx');
      await sdk.webhook.delete(webhook.id);
    });

    it('drops, duplicates, delays and reorders events on request', async () => {
      const webhook = await sdk.webhook.create({
        url: receiverUrl,
        events: ['check.completed', 'check.completed.clear'],
      });
      received = [];
      await control('/webhook-faults', { mode: 'drop', count: 2 });
      const dropped = await client.createIdentityFraudCheck(applicant);
      await waitForStatus(dropped.id, 'complete');
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(eventsFor(dropped.id).length, 0, 'both events dropped');

      await control('/webhook-faults', { mode: 'duplicate', count: 1 });
      const duplicated = await client.createIdentityFraudCheck(applicant);
      await waitFor(() => eventsFor(duplicated.id).length === 3, 'one event twice and the other once');
      const ids = eventsFor(duplicated.id).map((e) => e.id);
      assert.equal(new Set(ids).size, 2, 'a duplicate keeps its event ID');

      await control('/webhook-faults', { mode: 'reorder', count: 2, delayMs: 1000 });
      const reordered = await client.createIdentityFraudCheck(applicant);
      await waitFor(() => eventsFor(reordered.id).length === 2, 'both events');
      assert.deepEqual(
        eventsFor(reordered.id).map((e) => e.type),
        ['check.completed.clear', 'check.completed'],
      );

      await control('/webhook-faults', { mode: 'delay', count: 2, delayMs: 2000 });
      const delayed = await client.createIdentityFraudCheck(applicant);
      await waitForStatus(delayed.id, 'complete');
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(eventsFor(delayed.id).length, 0, 'not yet delivered');
      await waitFor(() => eventsFor(delayed.id).length === 2, 'delivered late');
      await clearFaults();
      await sdk.webhook.delete(webhook.id);
    });
  });

  it('applies a sandbox-like rate limit', async () => {
    const limited = createEmulator({ apiKeys: [API_KEY], rateLimitPerSecond: 5 });
    const url = await limited.listen();
    try {
      const statuses = await Promise.all(
        Array.from({ length: 8 }, () =>
          fetch(`${url}/checks?clientId=${'d'.repeat(24)}`, { headers: { Authorization: API_KEY } }).then(
            (r) => r.status,
          ),
        ),
      );
      assert.equal(statuses.filter((s) => s === 200).length, 5);
      assert.equal(statuses.filter((s) => s === 429).length, 3);
    } finally {
      await limited.close();
    }
  });
});

describe('seeding the emulator', () => {
  let limited: Emulator;
  let url: string;
  const LIMIT = 2;

  before(async () => {
    limited = createEmulator({ apiKeys: [API_KEY], rateLimitPerSecond: LIMIT });
    url = await limited.listen();
  });
  after(async () => {
    await limited.close();
  });

  it("spends none of the rate limit, which still holds for the product's calls", async () => {
    const seeded = await Promise.all(
      Array.from({ length: 3 * LIMIT }, (_, i) => seedApplicant(url, API_KEY, { lastName: i % 2 ? 'attention' : 'x' })),
    );
    assert.equal(new Set(seeded.map((s) => s.clientId)).size, seeded.length);
    // The shape `npm run emulator:seed` prints and the README pipes into the API.
    assert.deepEqual(Object.keys(seeded[0]!), ['clientId', 'addressId', 'documentId', 'liveVideoId']);

    const statuses = await Promise.all(
      Array.from({ length: LIMIT + 1 }, () =>
        fetch(`${url}/checks?clientId=${seeded[0]!.clientId}`, { headers: { Authorization: API_KEY } }).then(
          (r) => r.status,
        ),
      ),
    );
    assert.deepEqual(statuses.sort(), [200, 200, 429], 'the limit is the same after seeding as before it');
    const log = (await (await fetch(`${url.replace(/\/v1$/, '')}/_emulator/requests`)).json()) as {
      items: { route: string; status: number }[];
    };
    assert.deepEqual(
      log.items.map((r) => `${r.route} ${r.status}`).sort(),
      ['/v1/checks 200', '/v1/checks 200', '/v1/checks 429'],
      'seeding made no ComplyCube call, so none was refused',
    );
  });

  it('makes an applicant whose checks run, and refuses a key the API would refuse', async () => {
    // The test before spent this key's second on its own calls.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const applicant = await seedApplicant(url, API_KEY);
    const client = new ComplyCubeClient({ baseUrl: url, apiKey: API_KEY });
    const check = await client.createEnhancedIdentityCheck(applicant);
    assert.equal(check.status, 'pending');
    await assert.rejects(seedApplicant(url, 'not_a_key'), /seeding failed: 401/);
    await assert.rejects(seedApplicant(url, 'live_key'), /seeding failed: 403/);
    await assert.rejects(seedApplicant(url, API_KEY, { email: 'not an address' }), /seeding failed: 400.*email/);
  });
});
