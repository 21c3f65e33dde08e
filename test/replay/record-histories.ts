/**
 * `npm run fixtures:record`: runs every scenario on a fresh dev server with the current workflow
 * code and saves each history in a new folder for this build, `test/replay/histories/<date>-<buildId>/`.
 * Run it for every release whose workflow build ID has no folder yet, and commit the folder.
 * Existing folders are never rewritten: a build that already has one is refused.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { startTestSystem, workflowBuild } from '../helpers/system';
import { HISTORIES_DIR, releaseFolderName, releases, type ReleaseManifest } from './releases';
import { SCENARIOS } from './scenarios';

function git(...args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const { buildId } = await workflowBuild();
  const existing = releases().find((release) => release.manifest.buildId === buildId);
  if (existing) {
    console.error(
      `Build ${buildId} already has its histories in ${path.relative(process.cwd(), existing.dir)}; ` +
        'recorded histories are never overwritten. Change the workflow code to record a new build.',
    );
    process.exit(2);
  }
  const recordedAt = new Date();
  const dir = path.join(HISTORIES_DIR, releaseFolderName(buildId, recordedAt));
  // Written aside and moved into place whole, so a failed recording leaves no half folder behind.
  const partial = path.join(HISTORIES_DIR, `.partial-${buildId}`);
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const packageJson = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    version: string;
    dependencies: Record<string, string>;
  };
  const gitCommit = git('rev-parse', '--short', 'HEAD');
  const manifest: ReleaseManifest = {
    buildId,
    recordedAt: recordedAt.toISOString(),
    ...(gitCommit ? { gitCommit, gitDirty: (git('status', '--porcelain') ?? '') !== '' } : {}),
    packageVersion: packageJson.version,
    temporalSdkVersion: packageJson.dependencies['@temporalio/workflow'] ?? 'unknown',
  };

  const system = await startTestSystem();
  try {
    for (const scenario of SCENARIOS) {
      const handle = await scenario.run(system);
      const history = await handle.fetchHistory();
      writeFileSync(path.join(partial, `${scenario.name}.json`), `${historyToJSON(history)}\n`);
      console.log(`${scenario.name}: ${history.events?.length ?? 0} events`);
    }
    writeFileSync(path.join(partial, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    renameSync(partial, dir);
    console.log(`Recorded build ${buildId} → ${path.relative(process.cwd(), dir)}`);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw error;
  } finally {
    await system.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
