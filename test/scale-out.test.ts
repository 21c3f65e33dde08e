import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { registerWebhook, type SeededApplicant } from '../complycube-emulator/seed-applicant';
import {
  freePort,
  startApiProcess,
  startWorkerProcess,
  type ApiProcess,
  type WorkerProcess,
} from './helpers/processes';
import {
  EMULATOR_KEY,
  OTHER_REVIEWER_TOKEN,
  REVIEWER_TOKEN,
  SERVICE_TOKEN,
  startTestSystem,
  TEST_DATABASE_URL,
  type TestSystem,
} from './helpers/system';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The deployment shape without Docker: two worker processes and two API processes against one
 * Temporal and one PostgreSQL, with ComplyCube delivering every webhook event to both API
 * instances (as a retrying sender behind a load balancer may).
 */
describe('two workers and two API instances against one Temporal and one PostgreSQL', () => {
  let system: TestSystem;
  const workers: WorkerProcess[] = [];
  const apis: ApiProcess[] = [];

  before(async () => {
    system = await startTestSystem({ databaseUrl: TEST_DATABASE_URL, worker: false });
    await system.complyCube('POST', `/webhooks/${system.webhookId}`, { enabled: false });
    const ports = [await freePort(), await freePort()];
    const secrets: string[] = [];
    for (const port of ports) {
      secrets.push(
        (await registerWebhook(system.emulatorUrl, EMULATOR_KEY, `http://127.0.0.1:${port}/webhooks/complycube`))
          .secret,
      );
    }
    const shared = {
      DATABASE_URL: TEST_DATABASE_URL,
      API_SERVICE_TOKENS: `backend:${SERVICE_TOKEN}`,
      API_REVIEWER_TOKENS: `reviewer-alice:${REVIEWER_TOKEN},reviewer-bob:${OTHER_REVIEWER_TOKEN}`,
      // One decision wins a race of two: without four-eyes, an approval and a rejection conflict.
      POLICY_SECOND_APPROVAL: 'never',
    };
    const [apiA, apiB, workerA, workerB] = await Promise.all([
      startApiProcess(system, ports[0]!, { ...shared, COMPLYCUBE_WEBHOOK_SECRET: secrets[0]! }),
      startApiProcess(system, ports[1]!, { ...shared, COMPLYCUBE_WEBHOOK_SECRET: secrets[1]! }),
      startWorkerProcess(system, { DATABASE_URL: TEST_DATABASE_URL }),
      startWorkerProcess(system, { DATABASE_URL: TEST_DATABASE_URL }),
    ]);
    apis.push(apiA, apiB);
    workers.push(workerA, workerB);
  });

  after(async () => {
    await Promise.all([...apis, ...workers].filter((p) => p.child.exitCode === null).map((p) => p.stop()));
    await system?.close();
  });

  const call = async (api: ApiProcess, method: string, path: string, token: string, body?: unknown) => {
    const response = await fetch(`${api.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('decides each onboarding once, with one check per type and one decision row', async () => {
    const [apiA, apiB] = apis as [ApiProcess, ApiProcess];
    const clear = await Promise.all(Array.from({ length: 8 }, () => system.seed()));
    const flagged = await Promise.all(Array.from({ length: 4 }, () => system.seed({ lastName: 'attention' })));
    const all: SeededApplicant[] = [...clear, ...flagged];

    // Every start goes to both instances at once.
    const starts = await Promise.all(
      all.map((applicant) =>
        Promise.all([apiA, apiB].map((api) => call(api, 'POST', '/v1/onboardings', SERVICE_TOKEN, applicant))),
      ),
    );
    for (const pair of starts) assert.deepEqual(pair.map((r) => r.status).sort(), [200, 201]);

    const waitFor = async (applicant: SeededApplicant, statuses: string[]) => {
      for (let i = 0; i < 300; i += 1) {
        const reply = await call(i % 2 ? apiA : apiB, 'GET', `/v1/onboardings/${applicant.clientId}`, SERVICE_TOKEN);
        if (statuses.includes(reply.body.status as string)) return reply.body;
        await sleep(100);
      }
      assert.fail(`onboarding ${applicant.clientId} did not reach ${statuses.join('/')}`);
    };
    for (const applicant of clear) assert.equal((await waitFor(applicant, ['approved'])).status, 'approved');
    for (const applicant of flagged) await waitFor(applicant, ['awaiting_review']);

    // Two reviewers decide each flagged case at the same moment, through different instances.
    for (const applicant of flagged) {
      const replies = await Promise.all([
        call(apiA, 'POST', `/v1/onboardings/${applicant.clientId}/review`, REVIEWER_TOKEN, {
          decision: 'approve',
          reason: 'cleared by alice',
        }),
        call(apiB, 'POST', `/v1/onboardings/${applicant.clientId}/review`, OTHER_REVIEWER_TOKEN, {
          decision: 'reject',
          reason: 'rejected by bob',
        }),
      ]);
      assert.deepEqual(replies.map((r) => r.status).sort(), [200, 409]);
      const winner = replies.find((r) => r.status === 200)!;
      const final = await waitFor(applicant, ['approved', 'rejected']);
      assert.equal(final.status, winner.body.status);
    }

    const identities = new Set<string>();
    for (const applicant of all) {
      assert.deepEqual(await system.checkCount(applicant.clientId), {
        identity_fraud_check: 1,
        enhanced_identity_check: 1,
      });
      const rows = await system.store.decisionsFor(applicant.clientId);
      assert.equal(rows.length, 1, `one decision row for ${applicant.clientId}`);
      const history = await system.client.workflow.getHandle(`onboarding-${applicant.clientId}`).fetchHistory();
      for (const event of history.events ?? []) {
        const identity =
          event.activityTaskStartedEventAttributes?.identity ?? event.workflowTaskStartedEventAttributes?.identity;
        if (identity) identities.add(identity);
      }
    }
    assert.ok(identities.size >= 2, `both workers took tasks (saw ${[...identities].join(', ')})`);
  });
});
