import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from './helpers/system';
import { SCENARIOS } from './replay/scenarios';

const dir = path.join(__dirname, 'replay', 'histories');

describe('replaying recorded histories against the current workflow code', () => {
  const files = readdirSync(dir).filter((file) => file.endsWith('.json'));

  it('has a recorded history for every scenario', () => {
    assert.deepEqual(files.map((file) => file.replace(/\.json$/, '')).sort(), SCENARIOS.map((s) => s.name).sort());
  });

  for (const file of files) {
    it(`replays ${file} deterministically`, async () => {
      const history = historyFromJSON(JSON.parse(readFileSync(path.join(dir, file), 'utf8')));
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, file);
    });
  }
});
