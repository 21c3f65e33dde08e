import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import pino from 'pino';
import { z } from 'zod';
import { createApi } from '../api/app';
import { openDecisionStore, type DecisionStore } from '../store/decision-store';

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }>;
}

/**
 * The API's declared schemas: the OpenAPI document is generated from them in full, and an answer
 * they do not allow is never sent. No Temporal is needed: nothing here reaches it.
 */
describe('the API’s declared schemas', () => {
  let store: DecisionStore;
  let app: FastifyInstance;
  const logLines: Record<string, unknown>[] = [];

  before(async () => {
    store = await openDecisionStore({});
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          logLines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
          done();
        },
      }),
    );
    app = await createApi({
      temporal: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }),
      store,
      taskQueue: 'schemas-test',
      serviceTokens: [],
      reviewerTokens: [],
      logger,
    });
    // A route of this app (its compilers, its error handler) that answers off its declared schema.
    await app.register(async (child) => {
      child
        .withTypeProvider<ZodTypeProvider>()
        .get(
          '/test/off-schema',
          { schema: { response: { 200: z.strictObject({ status: z.literal('ok') }) } } },
          async () => ({ status: 'ok', applicantName: 'Jane Doe' }) as never,
        );
    });
  });

  after(async () => {
    await app?.close();
    await store?.close();
  });

  it('documents a non-empty response schema for every 2xx of every route (or a redirect), /healthz and /readyz included', async () => {
    const document = (await app.inject('/openapi.json')).json<{ paths: Record<string, Record<string, Operation>> }>();
    const paths = Object.keys(document.paths);
    for (const expected of ['/healthz', '/readyz', '/v1/onboardings', '/v1/onboardings/{onboardingId}/review']) {
      assert.ok(paths.includes(expected), `${expected} is documented`);
    }
    let checked = 0;
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        // Single sign-on's routes answer a browser with redirects: those succeed without a body.
        const successes = Object.entries(operation.responses ?? {}).filter(([status]) => /^[23]\d\d$/.test(status));
        assert.ok(successes.length > 0, `${method} ${path} documents a success`);
        for (const [status, response] of successes) {
          if (status === '204' || status.startsWith('3')) continue;
          // An applicant's images answer their bytes, documented as a binary image.
          const image = response.content?.['image/png'] ?? response.content?.['image/jpeg'];
          if (image) {
            assert.equal((image.schema as { format?: string } | undefined)?.format, 'binary', `${method} ${path}`);
            checked += 1;
            continue;
          }
          const schema = response.content?.['application/json']?.schema ?? {};
          const described = ['properties', 'anyOf', 'oneOf'].some((key) => key in schema);
          assert.ok(described, `${method} ${path} ${status} has a schema with content: ${JSON.stringify(schema)}`);
          checked += 1;
        }
      }
    }
    assert.ok(checked >= 14, `checked ${checked} answers`);
  });

  it('documents the 400 body shape and Retry-After on 503', async () => {
    const document = (await app.inject('/openapi.json')).json<{
      paths: Record<string, Record<string, Operation & { responses: Record<string, { headers?: object }> }>>;
    }>();
    const start = document.paths['/v1/onboardings']!.post!;
    const error = start.responses['400']!.content!['application/json']!.schema!;
    assert.deepEqual(Object.keys(error.properties as object).sort(), ['details', 'error', 'message', 'requestId']);
    assert.ok(start.responses['503']!.headers && 'Retry-After' in start.responses['503']!.headers);
  });

  it('answers 500, and logs the mismatch without the body, when a route answers off its schema', async () => {
    const reply = await app.inject('/test/off-schema');
    assert.equal(reply.statusCode, 500);
    assert.equal(reply.json<{ error: string }>().error, 'internal_error');
    assert.ok(!reply.body.includes('Jane'), 'the off-schema body is not sent');
    const logged = logLines.find((line) => line.msg === 'Response does not match its declared schema');
    assert.ok(logged, 'the mismatch is logged');
    assert.ok(!JSON.stringify(logged).includes('Jane'), 'the log keeps no personal data');
    assert.deepEqual(logged.issues, [{ path: '', code: 'unrecognized_keys' }]);
  });

  it('keeps the 400 shape for a request its schema refuses', async () => {
    const reply = await app.inject({ method: 'POST', url: '/v1/session', payload: { token: '', extra: 1 } });
    assert.equal(reply.statusCode, 400);
    const body = reply.json<{ error: string; details: { path: string; code: string }[] }>();
    assert.equal(body.error, 'invalid_request');
    assert.deepEqual(body.details.map((d) => [d.path, d.code]).sort(), [
      ['(body)', 'unrecognized_keys'],
      ['token', 'too_small'],
    ]);
  });
});
