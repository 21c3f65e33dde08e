import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { installTestRuntime, TEST_DATA_CONVERTER, workflowBuild } from './helpers/system';
import { releases } from './replay/releases';
import { SCENARIOS } from './replay/scenarios';

/**
 * Every history recorded by every released build replays against the current workflow code,
 * as those builds' runs will when they meet this code in production. A change that is not
 * deterministic for any of them fails here.
 */
describe('replaying the histories of every released build against the current workflow code', () => {
  const recorded = releases();
  installTestRuntime();

  it('has release folders, each with a manifest naming its build and at least one history', () => {
    assert.ok(recorded.length >= 2, 'the first released sets are kept');
    for (const release of recorded) {
      assert.match(release.manifest.buildId, /^[0-9a-f]{12}$/, `${release.name}: build ID`);
      assert.ok(release.name.endsWith(`-${release.manifest.buildId}`), `${release.name}: named after its build`);
      assert.ok(release.scenarios.length > 0, `${release.name}: histories`);
    }
    assert.equal(new Set(recorded.map((r) => r.manifest.buildId)).size, recorded.length, 'one folder per build');
  });

  it('has a recorded history for every scenario, in at least one release', () => {
    const covered = new Set(recorded.flatMap((release) => release.scenarios));
    const missing = SCENARIOS.map((s) => s.name).filter((name) => !covered.has(name));
    assert.deepEqual(missing, [], 'record new scenarios with `npm run fixtures:record`');
  });

  it('retires a release only with a reason and the evidence that none of its runs remain', () => {
    for (const { name, manifest } of recorded.filter((release) => release.manifest.retired)) {
      assert.ok(manifest.retired!.reason.trim() && manifest.retired!.evidence.trim(), name);
      assert.ok(!Number.isNaN(Date.parse(manifest.retired!.at)), name);
    }
  });

  for (const release of recorded.filter((r) => !r.manifest.retired)) {
    describe(`build ${release.manifest.buildId} (${release.name})`, () => {
      for (const scenario of release.scenarios) {
        it(`replays ${scenario}`, async () => {
          const file = path.join(release.dir, `${scenario}.json`);
          const history = historyFromJSON(JSON.parse(readFileSync(file, 'utf8')));
          await Worker.runReplayHistory(
            // With the tests' codec: histories of 0.7.0 on are encrypted with it; older ones decode as they are.
            { workflowBundle: { code: (await workflowBuild()).code }, dataConverter: TEST_DATA_CONVERTER },
            history,
            `${release.name}/${scenario}`,
          );
        });
      }
    });
  }
});
