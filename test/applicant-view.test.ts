/**
 * The reviewer sees the person (docs/reviewer-view.md), over real HTTP with a real dev server,
 * worker, emulator and PostgreSQL: the applicant's name, date of birth and nationality, the document
 * and the live video, both images, and the queue's names, read live from ComplyCube for desk roles
 * only; and none of it kept anywhere: not in the store, the run's history, a log line or a metric.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { WorkflowHandle } from '@temporalio/client';
import type { SeededApplicant } from '../complycube-emulator/seed-applicant';
import { freePort } from '../system/service-processes';
import { onboardingWorkflowId } from '../workflows/onboarding-contract';
import { freshDatabase, type OwnDatabase } from './helpers/database';
import { call, signIn } from './helpers/http';
import {
  installTestRuntime,
  REVIEWER_TOKEN,
  SERVICE_TOKEN,
  startTestSystem,
  TEST_DATABASE_URL,
  type TestSystem,
} from './helpers/system';
import { captureLogs, historyText, storeDump, type LogCapture } from './helpers/traces-of';

/** The applicant's first name: distinctive, so that finding it anywhere means it was kept there. */
const FIRST_NAME = 'Zelphira';
const UNKNOWN_ID = 'f'.repeat(24);

/** A PNG's width, from its IHDR chunk; fails on anything but a PNG. */
function pngWidth(bytes: Buffer): number {
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG signature');
  assert.equal(bytes.subarray(12, 16).toString('ascii'), 'IHDR');
  return bytes.readUInt32BE(16);
}

describe('the applicant, read live for the reviewer and kept nowhere', () => {
  let system: TestSystem;
  let database: OwnDatabase;
  let logs: LogCapture;
  let workerMetricsUrl: string;
  let applicant: SeededApplicant;
  /** Seeded in ComplyCube, never onboarded: the store has never seen it. */
  let stranger: SeededApplicant;
  let handle: WorkflowHandle;
  let id: string;

  const get = (path: string, token = REVIEWER_TOKEN) => call(system.apiUrl, 'GET', path, { token });
  const image = (path: string, headers: Record<string, string>) => fetch(`${system.apiUrl}${path}`, { headers });
  const complyCubeCalls = async (route: string) => {
    const response = await fetch(`${system.emulatorUrl.replace(/\/v1$/, '')}/_emulator/requests`);
    const { items } = (await response.json()) as { items: { route: string }[] };
    return items.filter((item) => item.route === route).length;
  };

  before(async () => {
    logs = captureLogs();
    const port = await freePort();
    workerMetricsUrl = `http://127.0.0.1:${port}/metrics`;
    installTestRuntime(logs.workerLogger, { metricsAddress: `127.0.0.1:${port}` });
    database = await freshDatabase(TEST_DATABASE_URL, 'applicant_view');
    system = await startTestSystem({ databaseUrl: database.url, api: { logger: logs.apiLogger } });
    // Last name `attention`: ComplyCube's sandbox flags both checks, so the case goes to the desk.
    applicant = await system.seed({
      firstName: FIRST_NAME,
      lastName: 'attention',
      nationality: 'FR',
      dob: '1985-06-15',
    });
    stranger = await system.seed({ firstName: FIRST_NAME, lastName: 'Stranger' });
    id = applicant.clientId;
    const started = await call(system.apiUrl, 'POST', '/v1/onboardings', { token: SERVICE_TOKEN, body: applicant });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    handle = system.client.workflow.getHandle(onboardingWorkflowId(id));
    await system.waitForStatus(handle, 'awaiting_review', 30_000);
    await system.waitForReviewCase(id, 'awaiting_review');
  });

  after(async () => {
    await system?.close();
    await database?.drop();
  });

  it('answers the person, the document the check ran on, the live video and links to both images', async () => {
    const answer = await get(`/v1/onboardings/${id}/applicant`);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.headers.get('cache-control'), 'no-store');
    assert.deepEqual(answer.body, {
      onboardingId: id,
      person: { firstName: FIRST_NAME, lastName: 'attention', dob: '1985-06-15', nationality: 'FR' },
      document: {
        documentId: applicant.documentId,
        type: 'passport',
        issuingCountry: 'GB',
        frontImage: `/v1/onboardings/${id}/applicant/document-front`,
      },
      liveVideo: {
        liveVideoId: applicant.liveVideoId,
        language: 'en',
        challenges: [
          { type: 'head_movement', value: 'left' },
          { type: 'recite_digits', value: '7462' },
        ],
      },
      face: { livePhotoId: answer.body.face?.livePhotoId, image: `/v1/onboardings/${id}/applicant/face` },
      unavailable: [],
    });
    assert.match(answer.body.face.livePhotoId as string, /^[0-9a-f]{24}$/);
  });

  it('answers a part ComplyCube cannot give as unavailable, and the rest as usual', async () => {
    await system.control('/faults', { kind: 'error', status: 500, method: 'GET', path: '/clients', count: 1 });
    const answer = await get(`/v1/onboardings/${id}/applicant`);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.person, null);
    assert.deepEqual(answer.body.unavailable, ['person']);
    assert.equal(answer.body.document.type, 'passport');
    assert.ok(answer.body.face);
  });

  it('answers the document’s front and the face as PNGs, to a console session as to a token', async () => {
    const session = await signIn(system.apiUrl, REVIEWER_TOKEN);
    for (const [path, headers] of [
      [`/v1/onboardings/${id}/applicant/document-front`, { cookie: session.cookie }],
      [`/v1/onboardings/${id}/applicant/face`, { authorization: `Bearer ${REVIEWER_TOKEN}` }],
    ] as const) {
      const response = await image(path, headers);
      assert.equal(response.status, 200, path);
      assert.equal(response.headers.get('content-type'), 'image/png');
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(response.headers.get('content-security-policy'), "default-src 'none'");
      assert.ok(pngWidth(Buffer.from(await response.arrayBuffer())) > 0, path);
    }
    assert.equal((await image(`/v1/onboardings/${id}/applicant/face`, {})).status, 401);
  });

  it('names the desk’s applicants, and answers null without asking ComplyCube for one the store never saw', async () => {
    const before = await complyCubeCalls('/v1/clients/:id');
    const answer = await get(
      `/v1/applicant-names?onboardingId=${id}&onboardingId=${stranger.clientId}&onboardingId=${UNKNOWN_ID}`,
    );
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.headers.get('cache-control'), 'no-store');
    assert.deepEqual(answer.body, {
      names: { [id]: `${FIRST_NAME} attention`, [stranger.clientId]: null, [UNKNOWN_ID]: null },
    });
    assert.equal(await complyCubeCalls('/v1/clients/:id'), before + 1, 'ComplyCube was asked for one client only');

    assert.deepEqual((await get(`/v1/applicant-names?onboardingId=${id}`)).body.names, {
      [id]: `${FIRST_NAME} attention`,
    });
    const tooMany = Array.from({ length: 51 }, () => `onboardingId=${id}`).join('&');
    for (const query of ['', '?onboardingId=nope', `?${tooMany}`, `?onboardingId=${id}&other=1`]) {
      assert.equal((await get(`/v1/applicant-names${query}`)).status, 400, query);
    }
  });

  it('refuses a service token (403) and answers 404 for an onboarding nobody knows', async () => {
    for (const path of [
      `/v1/onboardings/${id}/applicant`,
      `/v1/onboardings/${id}/applicant/document-front`,
      `/v1/onboardings/${id}/applicant/face`,
      `/v1/applicant-names?onboardingId=${id}`,
    ]) {
      const refused = await get(path, SERVICE_TOKEN);
      assert.equal(refused.status, 403, path);
      assert.equal(refused.body.error, 'forbidden');
    }
    for (const path of ['', '/document-front', '/face']) {
      const unknown = await get(`/v1/onboardings/${UNKNOWN_ID}/applicant${path}`);
      assert.equal(unknown.status, 404, path);
      assert.equal(unknown.body.error, 'onboarding_not_found');
    }
  });

  it('records who looked and at what part, never what they saw', async () => {
    const events = (await system.store.securityEvents({ limit: 100 })).filter((e) => e.kind === 'applicant_viewed');
    const parts = new Set(events.map((e) => e.detail.part));
    assert.deepEqual([...parts].sort(), ['applicant', 'document-front', 'face', 'names']);
    for (const event of events) {
      assert.equal(event.actor, 'reviewer-alice');
      assert.equal(event.detail.onboardingId, id);
    }
    // And on the case's own record: each view, with the part it was of.
    const record = await call(system.apiUrl, 'GET', `/v1/onboardings/${id}/record`, { token: REVIEWER_TOKEN });
    const viewedParts = (record.body.entries as { kind: string; body: { part?: string } }[])
      .filter((entry) => entry.kind === 'applicant_viewed')
      .map((entry) => entry.body.part);
    assert.deepEqual([...new Set(viewedParts)].sort(), ['applicant', 'document-front', 'face', 'names']);
  });

  it(`keeps the applicant's first name nowhere: not in the store, the run's history, a log line or a metric`, async () => {
    // Looked at once more, every way, so that anything kept is kept after the views it came from.
    assert.equal((await get(`/v1/onboardings/${id}/applicant`)).body.person.firstName, FIRST_NAME);
    assert.equal((await get(`/v1/applicant-names?onboardingId=${id}`)).body.names[id], `${FIRST_NAME} attention`);
    for (const path of ['document-front', 'face']) {
      const response = await image(`/v1/onboardings/${id}/applicant/${path}`, {
        authorization: `Bearer ${REVIEWER_TOKEN}`,
      });
      assert.equal(response.status, 200);
    }
    const absent = (where: string, text: string, presentForSure: string) => {
      // Each text holds what it should, so that the name's absence means something.
      assert.ok(text.includes(presentForSure), `${where} does not hold ${presentForSure}: nothing was searched`);
      assert.ok(!text.toLowerCase().includes(FIRST_NAME.toLowerCase()), `the first name is in ${where}`);
    };
    absent('the store', await storeDump(database.url), id);
    absent("the run's history", await historyText(handle), applicant.documentId);
    assert.ok(
      logs.lines.some((line) => line.includes('Activity completed')),
      "the worker's logs are captured",
    );
    absent('the logs', logs.lines.join('\n'), '/applicant');
    const apiMetrics = await (await fetch(`${system.apiUrl}/metrics`)).text();
    absent("the API's metrics", apiMetrics, 'operation="get_client"');
    absent("the worker's metrics", await (await fetch(workerMetricsUrl)).text(), 'operation="get_check"');
  });
});
