/**
 * Signed checkpoints on a Temporal Schedule, on a real dev server: the worker's schedule starts
 * `ledgerCheckpointWorkflow`, whose activity signs the ledger's head into LEDGER_CHECKPOINT_DIR;
 * setting the schedule up twice finds the first; `npm run ledger -- verify` then checks the chain
 * against the checkpoint it wrote, and catches a tail cut after it.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { devSigningKey } from '../store/ledger-signing-key';
import { ensureLedgerSchedule, LEDGER_SCHEDULE_ID } from '../worker/ledger-schedule';
import { freshDatabase, type OwnDatabase } from './helpers/database';
import { asOwner, runLedgerCli } from './helpers/ledger';
import { resultOf, startTestSystem, TEST_DATABASE_URL, type TestSystem } from './helpers/system';

describe('ledger checkpoints on a Temporal Schedule', () => {
  let system: TestSystem;
  let database: OwnDatabase;
  let dir: string;
  let env: Record<string, string>;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ledger-schedule-'));
    database = await freshDatabase(TEST_DATABASE_URL, 'ledger_schedule');
    env = {
      LEDGER_SIGNING_KEY: devSigningKey(dir),
      LEDGER_CHECKPOINT_DIR: path.join(dir, 'checkpoints'),
      DATABASE_URL: database.url,
    };
    system = await startTestSystem({ databaseUrl: database.url, env });
  });
  after(async () => {
    await system?.client.schedule
      .getHandle(LEDGER_SCHEDULE_ID)
      .delete()
      .catch(() => undefined);
    await system?.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs the head on schedule, and the CLI verifies the chain against it', async () => {
    await resultOf(await system.start(await system.seed()));
    const schedule = { taskQueue: system.taskQueue, every: '1h' };
    assert.equal(await ensureLedgerSchedule(system.client, schedule), 'created');
    assert.equal(await ensureLedgerSchedule(system.client, schedule), 'exists');

    await system.client.schedule.getHandle(LEDGER_SCHEDULE_ID).trigger();
    const checkpoints = () => (existsSync(env.LEDGER_CHECKPOINT_DIR!) ? readdirSync(env.LEDGER_CHECKPOINT_DIR!) : []);
    for (let waited = 0; !checkpoints().length; waited += 200) {
      if (waited > 20_000) throw new Error('no checkpoint written');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const head = await system.store.ledgerHead();
    assert.match(checkpoints()[0]!, new RegExp(`^${String(head!.seq).padStart(12, '0')}-`));
    // The run the schedule started says what it signed (its history keeps it).
    const { recentActions } = (await system.client.schedule.getHandle(LEDGER_SCHEDULE_ID).describe()).info;
    const started = recentActions[0]!.action.workflow;
    const run = await system.client.workflow.getHandle(started.workflowId, started.firstExecutionRunId).result();
    assert.deepEqual(run, { seq: head!.seq, hash: head!.hash, file: checkpoints()[0] });

    const verified = await runLedgerCli(['verify'], env);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    // The owner cuts the last entry: the chain alone still links, the signed checkpoint does not.
    await asOwner(database.url, [
      ["SET kyc.ledger_break_glass = 'on'"],
      ['DELETE FROM ledger_entries WHERE seq = (SELECT max(seq) FROM ledger_entries)'],
    ]);
    const cut = await runLedgerCli(['verify'], env);
    assert.equal(cut.code, 1, cut.stdout + cut.stderr);
    assert.match(cut.stdout + cut.stderr, /truncated/);
  });
});
