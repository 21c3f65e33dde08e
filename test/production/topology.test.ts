import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client as PgClient } from 'pg';
import { freePort, startApiProcess, startWorkerProcess, type ServiceProcess } from '../helpers/processes';
import { EXTERNAL_TEMPORAL, REVIEWER_TOKEN, SERVICE_TOKEN, startTestSystem, type TestSystem } from '../helpers/system';
import { connectionBudget } from '../../dev/production/budget';
import { imageTag, loadCompose, ROOT } from '../../dev/production/compose';
import { runNamespaceSetup, runSchemaSetup } from '../../dev/production/setup-scripts';
import type { TopologyFacts } from '../../dev/production/topology';

/**
 * The production topology itself (`npm run test:production` sets it up from docker-compose.yml):
 * what compose says and what runs agree, the set-up scripts are safe to run again and fail for
 * real errors, and onboardings go end to end through a worker and an API configured as compose
 * configures them, on the real Temporal server with its visibility on PostgreSQL.
 */
describe('the docker-compose topology, on a Temporal server built from source', { skip: !EXTERNAL_TEMPORAL }, () => {
  const facts = JSON.parse(process.env.TEST_TOPOLOGY ?? '{}') as TopologyFacts;
  const compose = loadCompose();
  let system: TestSystem;
  const processes: ServiceProcess[] = [];

  before(async () => {
    system = await startTestSystem({ databaseUrl: process.env.TEST_DATABASE_URL!, worker: false });
  });

  after(async () => {
    for (const service of processes) if (service.child.exitCode === null) await service.stop();
    await system?.close();
  });

  it('runs the versions and settings the compose file names', () => {
    assert.equal(facts.temporalVersion, imageTag(compose.service('temporal').image));
    for (const name of ['temporal-schema', 'temporal-namespace']) {
      assert.equal(imageTag(compose.service(name).image), facts.temporalVersion, `${name}: admin-tools as the server`);
    }
    assert.ok(facts.postgresVersion.startsWith(`${imageTag(compose.service('postgresql').image).split('-')[0]}.`));
    const nodeVersion = readFileSync(path.join(ROOT, '.nvmrc'), 'utf8').trim();
    const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    assert.deepEqual(
      [...dockerfile.matchAll(/^FROM node:(\S+?)-/gm)].map((m) => m[1]),
      [nodeVersion, nodeVersion],
      'the image runs the Node version CI tests on',
    );
    const broadcast = compose.service('temporal').environment.TEMPORAL_BROADCAST_ADDRESS;
    assert.ok(!broadcast || /^[\d.]+$|:/.test(broadcast), `broadcastAddress must be an IP, not ${broadcast}`);
  });

  it('sizes the connection pools within PostgreSQL’s max_connections', () => {
    const budget = connectionBudget(compose);
    assert.ok(
      budget.withReserved <= facts.maxConnections,
      `${budget.explain} = ${budget.withReserved} > ${facts.maxConnections}`,
    );
  });

  it('registered the namespace and OnboardingStatus with the compose file’s script', async () => {
    const { namespaceInfo, config } = await system.client.workflowService.describeNamespace({
      namespace: system.namespace,
    });
    assert.equal(namespaceInfo?.name, compose.service('temporal-namespace').environment.TEMPORAL_NAMESPACE);
    assert.equal(Number(config?.workflowExecutionRetentionTtl?.seconds), 72 * 3600);
    const { customAttributes } = await system.client.connection.operatorService.listSearchAttributes({
      namespace: system.namespace,
    });
    assert.ok(customAttributes && 'OnboardingStatus' in customAttributes);
  });

  it('runs the set-up scripts again without harm, and stops on a real database error', () => {
    const schemaOutput = runSchemaSetup(compose, facts.setup, facts.logFile);
    assert.match(schemaOutput, /database temporal is there/);
    assert.match(schemaOutput, /Temporal schema is up to date/);
    assert.match(runNamespaceSetup(compose, facts.setup, facts.logFile), /are registered/);
    assert.throws(
      () => runSchemaSetup(compose, facts.setup, facts.logFile, { POSTGRES_PWD: 'not-the-password' }),
      (error: Error) => /cannot create database temporal\b/.test(error.message) && /password/i.test(error.message),
    );
  });

  it('takes onboardings end to end through a worker and an API configured as compose configures them', async () => {
    const port = await freePort();
    const [worker, api] = await Promise.all([
      startWorkerProcess(system, { DATABASE_URL: process.env.TEST_DATABASE_URL! }),
      startApiProcess(system, port, {
        DATABASE_URL: process.env.TEST_DATABASE_URL!,
        API_SERVICE_TOKENS: `backend:${SERVICE_TOKEN}`,
        API_REVIEWER_TOKENS: `reviewer-alice:${REVIEWER_TOKEN}`,
        COMPLYCUBE_WEBHOOK_SECRET: system.webhookSecret,
      }),
    ]);
    processes.push(worker, api);
    // The emulator's webhook goes to this API process.
    await system.complyCube('POST', `/webhooks/${system.webhookId}`, { url: `${api.url}/webhooks/complycube` });
    const call = async (method: string, route: string, token: string, body?: unknown) => {
      const response = await fetch(`${api.url}${route}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : null,
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const waitFor = async (predicate: () => Promise<boolean>, what: string) => {
      const until = Date.now() + 60_000;
      while (!(await predicate())) {
        if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    };

    const clear = await system.seed();
    const attention = await system.seed({ lastName: 'attention' });
    assert.equal((await call('POST', '/v1/onboardings', SERVICE_TOKEN, clear)).status, 201);
    assert.equal((await call('POST', '/v1/onboardings', SERVICE_TOKEN, attention)).status, 201);
    await waitFor(
      async () => (await call('GET', `/v1/onboardings/${clear.clientId}`, SERVICE_TOKEN)).body.status === 'approved',
      'the clear applicant to be approved',
    );
    // The review queue, from Temporal's visibility on PostgreSQL.
    await waitFor(async () => {
      const { body } = await call('GET', '/v1/onboardings?status=awaiting_review', REVIEWER_TOKEN);
      return (body.items as { onboardingId: string }[]).some((item) => item.onboardingId === attention.clientId);
    }, 'the attention applicant in the review queue');
    const reviewed = await call('POST', `/v1/onboardings/${attention.clientId}/review`, REVIEWER_TOKEN, {
      decision: 'reject',
      reason: 'Police record match confirmed',
    });
    assert.equal(reviewed.status, 200, JSON.stringify(reviewed.body));

    const kyc = new PgClient({ connectionString: process.env.TEST_DATABASE_URL });
    await kyc.connect();
    try {
      const { rows } = await kyc.query<{ onboarding_id: string; decision: string; decided_by: string }>(
        'SELECT onboarding_id, decision, decided_by FROM onboarding_decisions WHERE onboarding_id = ANY($1) ORDER BY decision',
        [[clear.clientId, attention.clientId]],
      );
      assert.deepEqual(
        rows.map((row) => [row.onboarding_id, row.decision, row.decided_by]),
        [
          [clear.clientId, 'approved', 'automatic'],
          [attention.clientId, 'rejected', 'reviewer-alice'],
        ],
      );
    } finally {
      await kyc.end();
    }
  });
});
