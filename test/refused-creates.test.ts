/**
 * The record of creates ComplyCube refused (`store/refused-creates.ts`): a retried create skips
 * its list call only when every earlier attempt of the same activity was refused; one attempt
 * with no refusal (a timeout, a worker killed mid-call) makes the retry list, as before.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { openDecisionStore, type DecisionStore } from '../store/decision-store';
import { TEST_DATABASE_URL } from './helpers/system';

describe('refused creates', () => {
  let store: DecisionStore;
  before(async () => {
    store = await openDecisionStore({ databaseUrl: TEST_DATABASE_URL, poolMax: 2 });
  });
  after(async () => store.close());

  const activity = () => ({ runId: randomUUID(), activityId: '1' });

  it('lets a first attempt and a retry after nothing but refusals skip the list', async () => {
    const a = activity();
    assert.equal(await store.everyEarlierCreateRefused({ ...a, attempt: 1 }), true);
    await store.recordRefusedCreate({ ...a, attempt: 1 });
    await store.recordRefusedCreate({ ...a, attempt: 2 });
    // Recorded twice (a retried write): still one refusal.
    await store.recordRefusedCreate({ ...a, attempt: 2 });
    assert.equal(await store.everyEarlierCreateRefused({ ...a, attempt: 3 }), true);
  });

  it('makes a retry list when any earlier attempt may have reached ComplyCube', async () => {
    const a = activity();
    // Attempt 1 timed out (no row); attempt 2 was refused.
    await store.recordRefusedCreate({ ...a, attempt: 2 });
    assert.equal(await store.everyEarlierCreateRefused({ ...a, attempt: 2 }), false);
    assert.equal(await store.everyEarlierCreateRefused({ ...a, attempt: 3 }), false);
  });

  it('keeps each activity of each run apart, and forgets an activity once its check is recorded', async () => {
    const a = activity();
    const other = { runId: a.runId, activityId: '2' };
    await store.recordRefusedCreate({ ...a, attempt: 1 });
    assert.equal(await store.everyEarlierCreateRefused({ ...other, attempt: 2 }), false);
    assert.equal(await store.everyEarlierCreateRefused({ runId: randomUUID(), activityId: '1', attempt: 2 }), false);
    await store.forgetRefusedCreates(a);
    assert.equal(await store.everyEarlierCreateRefused({ ...a, attempt: 2 }), false);
  });
});
