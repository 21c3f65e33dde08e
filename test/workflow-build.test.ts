import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { bundleWorkflows, buildIdOf } from '../worker/workflow-build';
import { workflowBuild } from './helpers/system';
import { releases } from './replay/releases';

const root = path.resolve(__dirname, '..');
const packageJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

/** The npm packages webpack put into the workflow bundle. */
function bundledPackages(code: string): string[] {
  const names = new Set([...code.matchAll(/node_modules\/((?:@[^/"'\\]+\/)?[^/"'\\]+)\//g)].map((m) => m[1]!));
  return [...names].sort();
}

describe('the workflow build', () => {
  it('has one build ID for the same code, wherever it is checked out, and a new one for any change', async () => {
    const first = await workflowBuild();
    const again = await bundleWorkflows();
    assert.equal(again.buildId, first.buildId, 'every replica of a release polls as the same version');
    assert.match(first.buildId, /^[0-9a-f]{12}$/);
    // The inline source map names this checkout's absolute paths; nothing else may.
    const [code, sourceMap] = first.code.split('\n//# sourceMappingURL=data:');
    assert.ok(sourceMap, 'the bundle keeps its source map, for stack traces');
    assert.equal(code!.includes(root), false, `the bundle names ${root} outside its source map`);
    const elsewhere = `${code}\n//# sourceMappingURL=data:application/json;base64,${Buffer.from('/elsewhere').toString('base64')}`;
    assert.equal(buildIdOf(elsewhere), first.buildId);
    assert.notEqual(buildIdOf(`${code}\n;`), first.buildId);
  });

  it('pins every library bundled into workflow code to an exact version, as installed', async () => {
    const { code } = await workflowBuild();
    const direct = bundledPackages(code).filter((name) => name in packageJson.dependencies);
    assert.ok(direct.includes('zod') && direct.includes('@temporalio/workflow'), direct.join(', '));
    for (const name of direct) {
      const spec = packageJson.dependencies[name]!;
      // A range could bring a version that accepts different signals or updates into the next install.
      assert.match(spec, /^\d+\.\d+\.\d+$/, `${name} must be pinned, not ${spec}`);
      const installed = JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')) as {
        version: string;
      };
      assert.equal(installed.version, spec, `${name} installed as locked`);
    }
  });

  // docs/versioning.md's release rule, enforced: the build on main is the one runs start on next,
  // and only its recorded histories let a later change prove it does not break them.
  it('has its histories recorded under test/replay/histories (npm run fixtures:record)', async () => {
    const { buildId } = await workflowBuild();
    const recorded = releases().map((release) => release.manifest.buildId);
    assert.ok(
      recorded.includes(buildId),
      `workflow build ${buildId} has no folder under test/replay/histories: this change touches workflow code, ` +
        'so record its histories with `npm run fixtures:record` and commit the folder (docs/versioning.md)',
    );
  });
});
