import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { describeReport, fuzzApi } from '../dev/fuzz/api-fuzz';
import { startTestSystem, type TestSystem } from './helpers/system';

/**
 * Property-based requests to every route (dev/fuzz/api-fuzz.ts); `npm run fuzz -- --runs N` for
 * more. FUZZ_SEED replays a run; the seed is printed either way.
 */
describe('the API under fuzzed requests', () => {
  let system: TestSystem;

  before(async () => {
    system = await startTestSystem();
  });

  after(async () => {
    await system?.close();
  });

  it('answers no 5xx, every error in the documented shape, and stays ready', async () => {
    const report = await fuzzApi(system, {
      runs: Number(process.env.FUZZ_RUNS ?? 300),
      ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}),
    });
    console.log(describeReport(report));
    assert.equal(report.failure, undefined, report.failure);
    assert.ok(report.readyAfter, 'ready afterwards');
  });
});
