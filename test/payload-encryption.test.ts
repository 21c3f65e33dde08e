/**
 * Personal data kept out of Temporal in clear (docs/payload-encryption.md): a case rejected with a
 * distinctive reason, after ComplyCube refused a check with distinctive text, leaves neither in
 * the history as the server stores it, as `temporal workflow show -o json` prints it without the
 * codec, nor in what stays in clear (search attributes, IDs, task queue). With the codec, both
 * are there: the test would see them if they leaked.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import pg from 'pg';
import { findTemporalCli } from '../dev/temporal-cli';
import { onboardingWorkflowId } from '../workflows/onboarding-contract';
import { call, signIn } from './helpers/http';
import { freshDatabase, type OwnDatabase } from './helpers/database';
import {
  AUDITOR_TOKEN,
  REVIEWER_TOKEN,
  SENIOR_REVIEWER_TOKEN,
  SERVICE_TOKEN,
  startTestSystem,
  TEST_DATABASE_URL,
  type TestSystem,
  payloadText,
} from './helpers/system';

const UI_ORIGIN = 'http://127.0.0.1:8233';
const REASON = 'Zebra-7 passport photo mismatch, applicant Quillon';
const VENDOR_TEXT = 'Xylo vendor refusal for document of Quillon';

/** Every form a string takes in a history printed or stored: as it is, and base64 of its bytes. */
function leaks(haystack: string, secret: string): boolean {
  const forms = [secret, ...[0, 1, 2].map((shift) => Buffer.from(secret.slice(shift)).toString('base64').slice(4, -4))];
  return forms.some((form) => haystack.includes(form));
}

describe('payloads encrypted before they reach Temporal', () => {
  let system: TestSystem;
  let database: OwnDatabase;
  let onboardingId: string;
  let workflowId: string;

  before(async () => {
    database = await freshDatabase(TEST_DATABASE_URL, 'payload_encryption');
    system = await startTestSystem({ databaseUrl: database.url, env: { CODEC_CORS_ORIGINS: UI_ORIGIN } });
    const applicant = await system.seed({ lastName: 'attention' });
    onboardingId = applicant.clientId;
    workflowId = onboardingWorkflowId(onboardingId);
    // ComplyCube refuses the enhanced check's creation, with text of its own.
    await system.control('/faults', {
      kind: 'error',
      status: 422,
      type: 'validation_error',
      message: VENDOR_TEXT,
      method: 'POST',
      path: '/checks',
      count: 1,
    });
    const started = await call(system.apiUrl, 'POST', '/v1/onboardings', { token: SERVICE_TOKEN, body: applicant });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const handle = system.client.workflow.getHandle(workflowId);
    await system.waitForStatus(handle, 'awaiting_review');
    const reviewed = await call(system.apiUrl, 'POST', `/v1/onboardings/${onboardingId}/review`, {
      token: REVIEWER_TOKEN,
      body: { decision: 'reject', reason: REASON },
    });
    assert.equal(reviewed.status, 200, JSON.stringify(reviewed.body));
    await handle.result();
  });

  after(async () => {
    await system?.close();
    await database?.drop();
  });

  it('decodes, with the codec, to the reason and the vendor text: they are in the history', async () => {
    const result = (await system.client.workflow.getHandle(workflowId).result()) as { reason: string };
    // The workflow holds a reference to the reason, encrypted with the client's key in the store.
    assert.match(result.reason, /^pd1:[0-9a-f]{24}:[0-9a-f]{32}$/);
    const shown = await call(system.apiUrl, 'GET', `/v1/onboardings/${onboardingId}`, { token: REVIEWER_TOKEN });
    assert.equal(shown.body.decision.reason, REASON, 'the API shows the reason');
    const history = await system.client.workflow.getHandle(workflowId).fetchHistory();
    const failures = history.events!.filter((event) => event.activityTaskFailedEventAttributes);
    assert.ok(failures.length > 0, 'the refused check is a failed activity in the history');
    const failure = failures[0]!.activityTaskFailedEventAttributes!.failure!;
    assert.equal(failure.message, 'Encoded failure', 'the message in the history is a placeholder');
    assert.match(
      await payloadText(failure.cause?.encodedAttributes ?? failure.encodedAttributes),
      /Xylo vendor refusal/,
    );
  });

  it('stores neither in the history as the server keeps it (raw, without the codec)', async () => {
    const connection = await Connection.connect({ address: system.temporalAddress });
    try {
      const raw = new Client({ connection, namespace: system.namespace });
      const history = await raw.workflow.getHandle(workflowId).fetchHistory();
      const bytes = Buffer.from(temporal.api.history.v1.History.encode(history).finish()).toString('latin1');
      assert.ok(bytes.includes(onboardingId), 'IDs stay readable');
      assert.ok(!bytes.includes(REASON), 'no reason in the stored history');
      assert.ok(!bytes.includes('Zebra-7'), 'no part of the reason');
      assert.ok(!bytes.includes('Xylo vendor'), 'no vendor text');
      assert.ok(!bytes.includes('Quillon'), 'no name');
    } finally {
      await connection.close();
    }
  });

  it('prints neither in `temporal workflow show -o json` without the codec', async (t) => {
    const cli = findTemporalCli();
    if (!cli) return t.skip('no Temporal CLI on this machine');
    const { stdout } = await promisify(execFile)(
      cli,
      ['workflow', 'show', '--address', system.temporalAddress, '-n', system.namespace, '-w', workflowId, '-o', 'json'],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    assert.ok(stdout.includes(workflowId));
    assert.ok(!leaks(stdout, REASON), 'no reason');
    assert.ok(!leaks(stdout, VENDOR_TEXT), 'no vendor text');
  });

  it('keeps in clear only IDs, statuses and reviewer subjects: search attributes, task queue, IDs', async () => {
    const description = await system.client.workflow.getHandle(workflowId).describe();
    const clear = JSON.stringify({
      searchAttributes: description.searchAttributes,
      typedSearchAttributes: description.typedSearchAttributes,
      taskQueue: description.taskQueue,
      workflowId: description.workflowId,
      type: description.type,
    });
    for (const secret of [REASON, VENDOR_TEXT, 'Zebra', 'Xylo', 'Quillon']) {
      assert.ok(!clear.includes(secret), `${secret} not in what stays in clear: ${clear}`);
    }
    assert.match(clear, /rejected/, 'the status is there');
  });

  /** The workflow's result as the server stores it: one encrypted payload, as codec JSON. */
  async function resultPayload() {
    const connection = await Connection.connect({ address: system.temporalAddress });
    try {
      const raw = new Client({ connection, namespace: system.namespace });
      const history = await raw.workflow.getHandle(workflowId).fetchHistory();
      const completed = history.events!.find((event) => event.workflowExecutionCompletedEventAttributes);
      const [payload] = completed!.workflowExecutionCompletedEventAttributes!.result!.payloads!;
      return {
        metadata: Object.fromEntries(
          Object.entries(payload!.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
        ),
        data: Buffer.from(payload!.data!).toString('base64'),
      };
    } finally {
      await connection.close();
    }
  }

  describe('the codec server', () => {
    const encryptedResult = () => resultPayload();
    const decode = (path: string, options: Parameters<typeof call>[3]) =>
      call<{ payloads: { data: string }[] }>(system.apiUrl, 'POST', path, options);
    const reasonIn = (answer: { body: { payloads: { data: string }[] } }) =>
      Buffer.from(answer.body.payloads[0]!.data, 'base64').toString('utf8').includes(REASON);

    it('answers 401 without credentials and 403 to a backend’s service token', async () => {
      const body = { payloads: [await encryptedResult()] };
      const anonymous = await decode('/codec/decode', { body });
      assert.equal(anonymous.status, 401);
      const backend = await decode('/codec/decode', { token: SERVICE_TOKEN, body });
      assert.equal(backend.status, 403);
      assert.ok(!JSON.stringify([anonymous.body, backend.body]).includes('Zebra'));
    });

    it('decodes for a reviewer or an auditor, in both path forms, and records each decode', async () => {
      const body = { payloads: [await encryptedResult()] };
      const byReviewer = await decode('/codec/decode', { token: REVIEWER_TOKEN, body });
      assert.equal(byReviewer.status, 200, JSON.stringify(byReviewer.body));
      assert.ok(reasonIn(byReviewer), 'the reason, decoded');
      assert.equal(byReviewer.headers.get('cache-control'), 'no-store');
      const byAuditor = await decode(`/codec/${system.namespace}/decode`, { token: AUDITOR_TOKEN, body });
      assert.equal(byAuditor.status, 200);
      assert.ok(reasonIn(byAuditor));
      // The CLI's `{namespace}` left empty when no namespace was named: the API's own.
      const unnamed = await decode('/codec//decode', { token: AUDITOR_TOKEN, body });
      assert.equal(unnamed.status, 200, JSON.stringify(unnamed.body));
      const other = await decode('/codec/another-namespace/decode', { token: AUDITOR_TOKEN, body });
      assert.equal(other.status, 400);
      const events = await system.store.securityEvents({ limit: 20 });
      const decodes = events.filter((event) => event.kind === 'codec_decode');
      assert.deepEqual(decodes.map((event) => [event.actor, event.detail.payloads]).slice(0, 3), [
        ['auditor-dan', 1],
        ['auditor-dan', 1],
        ['reviewer-alice', 1],
      ]);
      assert.ok(!JSON.stringify(events).includes('Zebra'), 'the record says who and how many, not what');
    });

    it('admits the Temporal UI’s origin only (CORS), and a session only from it', async () => {
      const preflight = await fetch(`${system.apiUrl}/codec/decode`, {
        method: 'OPTIONS',
        headers: { origin: UI_ORIGIN, 'access-control-request-method': 'POST' },
      });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers.get('access-control-allow-origin'), UI_ORIGIN);
      assert.equal(preflight.headers.get('access-control-allow-credentials'), 'true');
      const elsewhere = await fetch(`${system.apiUrl}/codec/decode`, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      });
      assert.equal(elsewhere.headers.get('access-control-allow-origin'), null);

      const session = await signIn(system.apiUrl, REVIEWER_TOKEN);
      const body = { payloads: [await encryptedResult()] };
      const fromUi = await decode('/codec/decode', {
        session: { cookie: session.cookie, csrfToken: '' },
        headers: { origin: UI_ORIGIN, 'x-namespace': system.namespace },
        body,
      });
      assert.equal(fromUi.status, 200, JSON.stringify(fromUi.body));
      assert.ok(reasonIn(fromUi));
      const fromEvil = await decode('/codec/decode', {
        session: { cookie: session.cookie, csrfToken: '' },
        headers: { origin: 'https://evil.example' },
        body,
      });
      assert.equal(fromEvil.status, 403);
    });

    it('lets `temporal workflow show --codec-endpoint … --codec-auth` print the reason', async (t) => {
      const cli = findTemporalCli();
      if (!cli) return t.skip('no Temporal CLI on this machine');
      const args = ['workflow', 'show', '--address', system.temporalAddress, '-n', system.namespace];
      const { stdout } = await promisify(execFile)(
        cli,
        [
          ...args,
          '-w',
          workflowId,
          '-o',
          'json',
          '--codec-endpoint',
          `${system.apiUrl}/codec/{namespace}`,
          '--codec-auth',
          `Bearer ${REVIEWER_TOKEN}`,
        ],
        { maxBuffer: 64 * 1024 * 1024 },
      );
      // `-o json` prints payload data in base64.
      assert.ok(leaks(stdout, REASON), 'decoded through the codec server');
    });
  });

  describe('erasure of the client (crypto-shredding)', () => {
    /** Every row of every table of the store, as text. */
    async function storeText(): Promise<string> {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        const { rows: tables } = await client.query<{ name: string }>(
          "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'",
        );
        let all = '';
        for (const { name } of tables) {
          const { rows } = await client.query(`SELECT t::text AS row FROM "${name}" t`);
          all += rows.map((row: { row: string }) => row.row).join('\n');
        }
        return all;
      } finally {
        await client.end();
      }
    }
    const get = (path: string, token = REVIEWER_TOKEN) => call(system.apiUrl, 'GET', path, { token });
    const erase = (token: string) =>
      call(system.apiUrl, 'DELETE', `/v1/clients/${onboardingId}/personal-data`, { token });

    it('keeps the store free of the reason in clear before any erasure', async () => {
      const text = await storeText();
      assert.ok(text.includes(onboardingId), 'the store holds the case');
      assert.ok(!text.includes('Zebra-7') && !text.includes('Quillon'), 'but not the reason');
    });

    it('refuses a reviewer, and an onboarding still running', async () => {
      assert.equal((await erase(REVIEWER_TOKEN)).status, 403);
      const running = await system.seed({ lastName: 'attention' });
      await system.control(`/clients/${running.clientId}/behaviour`, {
        identity_fraud_check: { neverComplete: true },
        enhanced_identity_check: { neverComplete: true },
      });
      const started = await call(system.apiUrl, 'POST', '/v1/onboardings', { token: SERVICE_TOKEN, body: running });
      assert.equal(started.status, 201);
      const refused = await call(system.apiUrl, 'DELETE', `/v1/clients/${running.clientId}/personal-data`, {
        token: SERVICE_TOKEN,
      });
      assert.deepEqual([refused.status, refused.body.error], [409, 'onboarding_running']);
      await system.client.workflow.getHandle(onboardingWorkflowId(running.clientId)).terminate();
    });

    it('makes the reason unreadable everywhere, deletes the client at ComplyCube, and the record still verifies', async () => {
      const erased = await erase(SERVICE_TOKEN);
      assert.equal(erased.status, 200, JSON.stringify(erased.body));
      assert.equal(erased.body.complyCube, 'deleted');
      const again = await erase(SENIOR_REVIEWER_TOKEN);
      assert.deepEqual(
        [again.status, again.body.erasedAt, again.body.complyCube],
        [200, erased.body.erasedAt, 'not_found'],
      );

      const shown = await get(`/v1/onboardings/${onboardingId}`);
      assert.equal(shown.status, 200);
      assert.equal(shown.body.decision.decision, 'rejected', 'the decision stays');
      assert.equal(shown.body.decision.reason, '[erased]');
      const audit = await get(`/v1/onboardings/${onboardingId}/audit`, SERVICE_TOKEN);
      assert.ok(!JSON.stringify([shown.body, audit.body]).includes('Zebra'), 'the API no longer shows it');
      const decoded = await call<{ payloads: { data: string }[] }>(system.apiUrl, 'POST', '/codec/decode', {
        token: REVIEWER_TOKEN,
        body: { payloads: [await resultPayload()] },
      });
      assert.equal(decoded.status, 200);
      const text = Buffer.from(decoded.body.payloads[0]!.data, 'base64').toString('utf8');
      assert.ok(!text.includes('Zebra') && text.includes('[erased]'), 'nor does the codec server');

      assert.ok(!(await storeText()).includes('Zebra'));
      const chain = await system.store.verifyLedger();
      assert.equal(chain.ok, true, 'the ledger still verifies');
      const record = await get(`/v1/onboardings/${onboardingId}/record`, AUDITOR_TOKEN);
      assert.equal(record.body.verification.ok, true, 'the case record still verifies');
      assert.ok(record.body.entries.some((e: { kind: string }) => e.kind === 'personal_data_erased'));
      const atComplyCube = await system.complyCube('GET', `/clients/${onboardingId}`);
      assert.equal(atComplyCube.status, 404, 'ComplyCube deleted the client');
    });
  });
});
