/**
 * The ledger through the product, over real HTTP with a real dev server, worker and emulator: one
 * onboarding's start, checks, review, evidence view, approvals and decision each go on the ledger
 * once; an auditor reads the case record and checks it offline with `npm run ledger --
 * verify-record`, and verifies the whole chain page by page; a change by the database's owner
 * shows in that verification. Who may read what is the roles'.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { onboardingWorkflowId } from '../workflows/onboarding-contract';
import { freshDatabase, type OwnDatabase } from './helpers/database';
import { call } from './helpers/http';
import { asOwner, runLedgerCli } from './helpers/ledger';
import {
  AUDITOR_TOKEN,
  OTHER_REVIEWER_TOKEN,
  REVIEWER_TOKEN,
  SERVICE_TOKEN,
  startTestSystem,
  TEST_DATABASE_URL,
  type TestSystem,
} from './helpers/system';

interface Entry {
  seq: number;
  kind: string;
  actor: string | null;
  channel: string | null;
  body: Record<string, unknown>;
}

describe('the ledger through the product', () => {
  let system: TestSystem;
  let database: OwnDatabase;
  let dir: string;
  const api = (method: string, route: string, token: string, body?: unknown) =>
    call(system.apiUrl, method, route, { token, body });

  before(async () => {
    database = await freshDatabase(TEST_DATABASE_URL, 'ledger_api');
    system = await startTestSystem({ databaseUrl: database.url });
    dir = mkdtempSync(path.join(tmpdir(), 'ledger-api-'));
  });
  after(async () => {
    await system?.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records every event of a reviewed onboarding once, for an auditor to read and check offline', async () => {
    const applicant = await system.seed({ lastName: 'attention' });
    const id = applicant.clientId;
    assert.equal((await api('POST', '/v1/onboardings', SERVICE_TOKEN, applicant)).status, 201);
    // The same request again (a retry whose answer was lost): no second start on the ledger.
    assert.equal((await api('POST', '/v1/onboardings', SERVICE_TOKEN, applicant)).status, 200);
    const handle = system.client.workflow.getHandle(onboardingWorkflowId(id));
    await system.waitForStatus(handle, 'awaiting_review');
    await system.waitForReviewCase(id, 'awaiting_review');
    assert.equal((await api('GET', `/v1/onboardings/${id}/evidence`, REVIEWER_TOKEN)).status, 200);
    assert.equal((await api('POST', `/v1/onboardings/${id}/claim`, REVIEWER_TOKEN)).status, 200);
    const approve = { decision: 'approve', reason: 'documents match' };
    assert.equal((await api('POST', `/v1/onboardings/${id}/review`, REVIEWER_TOKEN, approve)).status, 200);
    const done = await api('POST', `/v1/onboardings/${id}/review`, OTHER_REVIEWER_TOKEN, approve);
    assert.equal(done.body.status, 'approved', JSON.stringify(done.body));
    await handle.result();

    const record = await api('GET', `/v1/onboardings/${id}/record`, AUDITOR_TOKEN);
    assert.equal(record.status, 200, JSON.stringify(record.body));
    const entries = record.body.entries as Entry[];
    const count = (kind: string) => entries.filter((entry) => entry.kind === kind).length;
    assert.deepEqual(
      Object.fromEntries(
        ['started', 'check_created', 'sent_to_review', 'evidence_viewed', 'claim'].map((k) => [k, count(k)]),
      ),
      { started: 1, check_created: 2, sent_to_review: 1, evidence_viewed: 1, claim: 1 },
    );
    assert.deepEqual(
      [count('first_approval'), count('decision'), count('decision_recorded')],
      [1, 1, 1],
      entries.map((e) => e.kind).join(' '),
    );
    const decided = entries.find((entry) => entry.kind === 'decision')!;
    assert.deepEqual([decided.actor, decided.channel], ['reviewer-bob', 'api']);
    assert.equal(entries.find((entry) => entry.kind === 'started')!.actor, 'test-backend');
    assert.deepEqual(record.body.verification, { ok: true, count: entries.length });

    // Reasons are references in the hashed bodies, read beside them (docs/payload-encryption.md).
    assert.ok(!JSON.stringify(entries).includes('documents match'));
    assert.ok(Object.values(record.body.texts as Record<string, string>).includes('documents match'));

    // The regulator's check, offline: the saved record, then the same with one actor changed.
    const file = path.join(dir, 'record.json');
    writeFileSync(file, JSON.stringify(record.body));
    assert.equal((await runLedgerCli(['verify-record', file], {})).code, 0);
    const altered = JSON.stringify(record.body).replace('"actor":"reviewer-bob"', '"actor":"reviewer-eve"');
    assert.notEqual(altered, JSON.stringify(record.body));
    writeFileSync(file, altered);
    const refused = await runLedgerCli(['verify-record', file], {});
    assert.equal(refused.code, 1, refused.stdout + refused.stderr);

    assert.equal((await api('GET', `/v1/onboardings/${id}/record`, SERVICE_TOKEN)).status, 403);
    assert.equal((await api('GET', `/v1/onboardings/${'f'.repeat(24)}/record`, AUDITOR_TOKEN)).status, 404);

    // The account closes: the backend records the end of the relationship, from which retention runs.
    const end = (token: string, body: unknown, onboardingId = id) =>
      api('POST', `/v1/onboardings/${onboardingId}/relationship-end`, token, body);
    assert.equal((await end(REVIEWER_TOKEN, {})).status, 403);
    const future = await end(SERVICE_TOKEN, { endedAt: new Date(Date.now() + 3_600_000).toISOString() });
    assert.deepEqual([future.status, future.body.error], [400, 'invalid_request']);
    assert.equal((await end(SERVICE_TOKEN, { endedAt: 'yesterday' })).status, 400);
    assert.equal((await end(SERVICE_TOKEN, {}, 'f'.repeat(24))).status, 404);
    const ended = await end(SERVICE_TOKEN, { endedAt: '2026-06-30T12:00:00Z' });
    assert.equal(ended.status, 200, JSON.stringify(ended.body));
    const endEntry = ended.body.entry as Entry & { at: string };
    assert.deepEqual(
      [endEntry.kind, endEntry.actor, endEntry.at],
      ['relationship_ended', 'test-backend', '2026-06-30T12:00:00.000Z'],
    );
    const repeated = await end(SERVICE_TOKEN, {});
    assert.equal((repeated.body.entry as Entry).seq, endEntry.seq, 'the first end recorded stands');
  });

  it('verifies the chain page by page for an auditor, and names the first entry the owner changed', async () => {
    assert.equal((await api('GET', '/v1/ledger/verify', REVIEWER_TOKEN)).status, 403);
    const walk = async () => {
      let fromSeq = 1;
      let checked = 0;
      for (let pages = 0; pages < 1_000; pages += 1) {
        const page = await api('GET', `/v1/ledger/verify?fromSeq=${fromSeq}&limit=4`, AUDITOR_TOKEN);
        assert.equal(page.status, 200, JSON.stringify(page.body));
        checked += page.body.checked as number;
        if (!page.body.ok || page.body.nextSeq === undefined) return { ...page.body, total: checked };
        fromSeq = page.body.nextSeq as number;
      }
      throw new Error('no end');
    };
    const intact = await walk();
    assert.equal(intact.ok, true);
    assert.ok(intact.headSeq >= 9, `head ${intact.headSeq}`);
    assert.equal(intact.total, intact.headSeq);

    await asOwner(database.url, [
      ["SET kyc.ledger_break_glass = 'on'"],
      ['UPDATE ledger_entries SET body = body || \'{"decision":"reject"}\' WHERE seq = 6'],
    ]);
    const broken = await walk();
    assert.equal(broken.ok, false);
    assert.equal(broken.firstBroken.seq, 6);
    assert.equal(broken.firstBroken.problem, 'altered');
  });
});
