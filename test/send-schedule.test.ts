/**
 * The fleet's send schedule toward ComplyCube (`store/send-schedule.ts`, `complycube/send-pacer.ts`):
 * reservations from several connections get distinct slots 1/rate apart; a full schedule refuses
 * without reserving; an idle schedule does not let the past pile up; a process killed -9 while
 * waiting for its slots leaks nothing and stalls no one; the window admits no more calls than the
 * limit that may reach the vendor within one second, however late they leave or slow they travel.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import pg from 'pg';
import { performance } from 'node:perf_hooks';
import { sharedSendPacer, type SendPacerOptions } from '../complycube/send-pacer';
import { openDecisionStore, type DecisionStore } from '../store/decision-store';
import { TEST_DATABASE_URL } from './helpers/system';

describe('the shared send schedule', () => {
  let stores: DecisionStore[] = [];

  const db = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1 });

  before(async () => {
    stores = await Promise.all([1, 2, 3].map(() => openDecisionStore({ databaseUrl: TEST_DATABASE_URL, poolMax: 4 })));
  });
  /** A pacer of an account of its own, on the first store. */
  const pacer = (options: Pick<SendPacerOptions, 'ratePerSecond' | 'maxWaitMs' | 'callTimeoutMs'>) =>
    sharedSendPacer({
      schedule: stores[0]!,
      apiKey: `key-${randomUUID()}`,
      baseUrl: 'http://127.0.0.1:8787/v1',
      ...options,
    });

  after(async () => {
    for (const store of stores) await store.close();
    await db.end();
  });

  it('gives concurrent callers on three connections distinct slots, 1/rate apart', async () => {
    const key = `test:${randomUUID()}`;
    const nextSlot = async () => {
      const { rows } = await db.query<{ at: Date }>('SELECT next_slot AS at FROM send_schedule WHERE key = $1', [key]);
      return rows[0]!.at.getTime();
    };
    assert.ok((await stores[0]!.reserveSendSlot(key, 100, 60_000))! < 50, 'an idle schedule sends at once');
    const before = await nextSlot();
    const waits = await Promise.all(
      Array.from({ length: 30 }, (_, i) => stores[i % 3]!.reserveSendSlot(key, 100, 60_000)),
    );
    // Every caller got a slot, and the 30 slots are consecutive: the schedule moved by exactly 30
    // intervals, whatever the time between the statements.
    assert.ok(waits.every((wait) => wait !== undefined));
    assert.equal((await nextSlot()) - before, 3_000);
    assert.ok(Math.max(...waits) > 2_000, 'the last of 30 at 10/s waits its turn');
  });

  it('refuses a slot past the longest wait, and reserves nothing for it', async () => {
    const key = `test:${randomUUID()}`;
    const [store] = stores;
    // Slots at 0, 10, 20 and 30 s; the fifth, 40 s away, is past the 30 s wait.
    for (let i = 0; i < 4; i += 1) assert.notEqual(await store!.reserveSendSlot(key, 10_000, 30_000), undefined);
    assert.equal(await store!.reserveSendSlot(key, 10_000, 30_000), undefined);
    assert.equal(await store!.reserveSendSlot(key, 10_000, 30_000), undefined);
    // A longer wait takes the fifth slot, not a seventh: the refusals reserved nothing.
    const fifth = await store!.reserveSendSlot(key, 10_000, 100_000);
    assert.ok(fifth! > 35_000 && fifth! <= 40_000, `the fifth slot is ${fifth} ms away`);
  });

  it('sends at once after an idle spell: unused slots are not owed', async () => {
    const key = `test:${randomUUID()}`;
    await stores[0]!.reserveSendSlot(key, 200, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const wait = await stores[1]!.reserveSendSlot(key, 200, 60_000);
    assert.ok(wait! < 20, `waits ${wait} ms after an idle spell`);
  });

  it('paces calls through the pacer, and fails a call past the longest wait as a retryable 429', async () => {
    const pace = pacer({ ratePerSecond: 20, maxWaitMs: 400, callTimeoutMs: 2_000 });
    const began = Date.now();
    const send = async () => {
      const settle = await pace();
      await settle();
      return Date.now() - began;
    };
    const outcomes = await Promise.allSettled(Array.from({ length: 12 }, send));
    const sent = outcomes.filter((o) => o.status === 'fulfilled').map((o) => o.value);
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason);
    assert.ok(sent.length >= 7, `${sent.length} sent within 400 ms at 20/s, less the margin`);
    assert.ok(refused.length >= 1, 'the rest are refused, not queued past the longest wait');
    assert.ok(Math.max(...sent) >= 300, `the last sent after ${Math.max(...sent)} ms`);
    for (const failure of refused) {
      assert.ok(failure instanceof ApplicationFailure);
      assert.equal(failure.type, 'ComplyCubeRateLimited');
      assert.equal(failure.nonRetryable, false);
      assert.equal(failure.nextRetryDelay, 1_000, 'retried after a second at least, never at once');
    }
  });

  it('leaks no slot and stalls no one when a process holding reservations is killed -9', async () => {
    const key = `test:${randomUUID()}`;
    // A process reserves ten slots (two seconds of them at 5/s) and waits for them; it is killed
    // -9 before it sends anything.
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `const { openDecisionStore } = require('./store/decision-store');
         (async () => {
           const store = await openDecisionStore({ databaseUrl: ${JSON.stringify(TEST_DATABASE_URL)} });
           for (let i = 0; i < 10; i += 1) await store.reserveSendSlot(${JSON.stringify(key)}, 200, 60_000);
           console.log('reserved');
           setInterval(() => {}, 1000);
         })();`,
      ],
      { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('reserved') && resolve());
      child.on('exit', (code) => reject(new Error(`the child exited ${code} before reserving`)));
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    // Its slots pass unused: the next caller waits at most out the ten, never longer, and once
    // they are past, not at all.
    const next = await stores[0]!.reserveSendSlot(key, 200, 60_000);
    assert.ok(next! <= 2_000, `the next caller waits ${next} ms`);
    await new Promise((resolve) => setTimeout(resolve, next! + 300));
    const later = await stores[1]!.reserveSendSlot(key, 200, 60_000);
    assert.ok(later! < 20, `then ${later} ms`);
  });
  it('admits at most the limit of calls that may have arrived within the window, across connections', async () => {
    const key = `test:${randomUUID()}`;
    const admit = (i: number) => stores[i % 3]!.admitSend(key, 5, 300, 5_000);
    const first = await Promise.all(Array.from({ length: 8 }, (_, i) => admit(i)));
    const admitted = first.filter((a) => a.admitted);
    assert.equal(admitted.length, 5, 'five of eight at once');
    // The five are still out: their answers may come any moment, so the refused look again soon.
    for (const refusal of first.filter((a) => !a.admitted)) assert.equal(refusal.waitMs, 10);
    for (const call of admitted) await stores[1]!.settleSend(key, call.stamp);
    // Answered: each may have arrived until now, so there is room once a window has passed.
    const refused = await admit(0);
    assert.ok(!refused.admitted && refused.waitMs > 200 && refused.waitMs <= 300, JSON.stringify(refused));
    await new Promise((resolve) => setTimeout(resolve, refused.waitMs + 10));
    assert.equal((await admit(1)).admitted, true);
  });

  it('counts a call that never settles (its process died) until its timeout, then frees its place', async () => {
    const key = `test:${randomUUID()}`;
    assert.equal((await stores[0]!.admitSend(key, 1, 100, 300)).admitted, true);
    assert.equal((await stores[1]!.admitSend(key, 1, 100, 300)).admitted, false);
    await new Promise((resolve) => setTimeout(resolve, 450));
    assert.equal((await stores[2]!.admitSend(key, 1, 100, 300)).admitted, true, 'timeout and window passed');
  });

  /**
   * Paces calls at 5/s; the i-th to leave is answered after `answerMs(i)`. Resolves to when each
   * left and was answered, in the order they left.
   */
  async function paced(count: number, answerMs: (i: number) => number, holdUpAfterMs?: number) {
    const pace = pacer({ ratePerSecond: 5, maxWaitMs: 10_000, callTimeoutMs: 5_000 });
    // An idle schedule sends the first at once: one call first, so that the rest wait for slots.
    await (
      await pace()
    )();
    const began = performance.now();
    let leaving = 0;
    const calls = Array.from({ length: count }, async () => {
      const settle = await pace();
      const left = performance.now() - began;
      await new Promise((resolve) => setTimeout(resolve, answerMs(leaving++)));
      await settle();
      return { left, answered: performance.now() - began };
    });
    if (holdUpAfterMs !== undefined) {
      // The process is held up past the first call's slot, as a busy event loop holds a worker up.
      await new Promise((resolve) => setTimeout(resolve, 100));
      while (performance.now() - began < holdUpAfterMs);
    }
    return (await Promise.all(calls)).sort((a, b) => a.left - b.left);
  }

  /** No six calls may reach the vendor within one second: each arrives between leaving and its answer. */
  function assertNoSixInASecond(calls: { left: number; answered: number }[]) {
    for (const [i, later] of calls.entries()) {
      const before = calls.filter((call, j) => j !== i && call.left <= later.left);
      const crowding = before.filter((call) => call.answered > later.left - 1_000);
      assert.ok(crowding.length < 5, `call ${i + 1} left with ${crowding.length} calls possibly within its second`);
    }
  }

  it('keeps a call that leaves late from bunching with the on-time calls after it', async () => {
    const calls = await paced(6, () => 0, 350);
    assertNoSixInASecond(calls);
  });

  it('counts a call that is slow on the way until its answer is back', async () => {
    // The first call takes 400 ms to be answered; the five after it are answered at once.
    const calls = await paced(6, (i) => (i === 0 ? 400 : 0));
    assertNoSixInASecond(calls);
  });
});
