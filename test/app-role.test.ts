/**
 * The application's role: it opens the store the owner migrated and writes decisions, review
 * actions and their ledger entries, but cannot UPDATE, DELETE or TRUNCATE the ledger, even with
 * the break-glass set, nor disable its trigger.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { ensureAppRole } from '../store/app-role';
import { openDecisionStore, type DecisionStore } from '../store/decision-store';
import { postgres } from '../store/sql';
import { freshDatabase, type OwnDatabase } from './helpers/database';
import { TEST_DATABASE_URL } from './helpers/system';

const role = `kyc_app_${randomBytes(4).toString('hex')}`;

describe('the application role', () => {
  let database: OwnDatabase;
  let appUrl: string;
  before(async () => {
    database = await freshDatabase(TEST_DATABASE_URL, 'app_role');
    const owner = await openDecisionStore({ databaseUrl: database.url, poolMax: 1 });
    await owner.close();
    const sql = postgres(database.url, 1);
    try {
      await ensureAppRole(sql, { name: role });
      await ensureAppRole(sql, { name: role });
    } finally {
      await sql.close();
    }
    const url = new URL(database.url);
    url.username = role;
    appUrl = url.toString();
  });
  after(async () => {
    await database.drop();
    const admin = new Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.end();
  });

  it('opens the store and writes to the ledger through the store', async () => {
    const store: DecisionStore = await openDecisionStore({ databaseUrl: appUrl, poolMax: 2 });
    try {
      await store.recordCheck({
        checkId: 'c1',
        checkType: 'identity_fraud_check',
        onboardingId: 'o1',
        workflowId: 'w1',
        runId: 'r1',
      });
      await store.recordSecurityEvent({
        kind: 'sign_out',
        actor: 'alice',
        ip: '192.0.2.1',
        detail: { method: 'token' },
      });
      assert.deepEqual(await store.verifyLedger(), { ...(await store.verifyLedger()), ok: true, count: 2 });
    } finally {
      await store.close();
    }
  });

  for (const statement of [
    "UPDATE ledger_entries SET body = '{}'",
    'DELETE FROM ledger_entries',
    'TRUNCATE ledger_entries',
    'ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_immutable',
  ]) {
    it(`may not: ${statement}, break-glass or not`, async () => {
      const client = new Client({ connectionString: appUrl });
      await client.connect();
      try {
        await client.query("SET kyc.ledger_break_glass = 'on'");
        await assert.rejects(client.query(statement), /permission denied|must be owner/);
      } finally {
        await client.end();
      }
    });
  }
});
