import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chaosPassed, describeChaos, runChaos } from '../dev/chaos/chaos';
import { TEST_DATABASE_URL } from './helpers/system';

/**
 * A short chaos run (`npm run chaos` for a long one): separate processes, ComplyCube and webhook
 * faults, and a kill -9 of a worker, an API and the Temporal server while onboardings run.
 * CHAOS_SEED replays a schedule; the seed is printed either way.
 */
describe('onboardings under injected faults and kill -9', () => {
  it('loses, strands, double-checks and double-decides nothing, and decides nothing wrongly', async () => {
    const report = await runChaos({
      onboardings: Number(process.env.CHAOS_ONBOARDINGS ?? 20),
      seed: Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31)),
      postgresUrl: TEST_DATABASE_URL,
      log: (line) => console.log(`[chaos] ${line}`),
    });
    console.log(describeChaos(report));
    assert.ok(report.faults.worker && report.faults.api && report.faults['temporal server'], 'every kind of kill');
    assert.ok(chaosPassed(report), describeChaos(report));
  });
});
