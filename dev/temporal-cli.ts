/**
 * Finds a Temporal CLI for the dev server, or builds one.
 *
 * In order: `TEMPORAL_CLI_PATH`; `temporal` on PATH; this project's cache
 * (`.temporal/bin/temporal`); a build with `go install` into that cache. Where none of
 * these works (no Go), returns the SDK's own download, which needs internet access.
 *
 * Run directly (`npm run temporal-cli`) it prints the path it settled on.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { EphemeralServerExecutable } from '@temporalio/testing/lib/ephemeral-server';

/** The newest CLI release whose go.mod has no `replace` directive, which `go install` refuses. */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

const projectRoot = path.resolve(__dirname, '..');
const cacheDir = path.join(projectRoot, '.temporal', 'bin');

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, command))) return path.join(dir, command);
  }
  return undefined;
}

/** The path of a usable CLI, building it if need be; undefined when this machine cannot have one. */
export function findOrBuildTemporalCli(
  log: (line: string) => void = (line) => console.error(line),
): string | undefined {
  const configured = process.env.TEMPORAL_CLI_PATH;
  if (configured) {
    if (!isExecutable(configured)) throw new Error(`TEMPORAL_CLI_PATH=${configured} is not an executable file`);
    return configured;
  }
  const found = onPath('temporal');
  if (found) return found;
  const cached = path.join(cacheDir, 'temporal');
  if (isExecutable(cached)) return cached;

  const go = onPath('go') ?? (isExecutable('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  if (!go) return undefined;
  mkdirSync(cacheDir, { recursive: true });
  log(`Building the Temporal CLI (${TEMPORAL_CLI_MODULE}) into ${cacheDir}; the first build takes a few minutes.`);
  const build = spawnSync(go, ['install', TEMPORAL_CLI_MODULE], {
    env: { ...process.env, GOBIN: cacheDir },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (build.status !== 0 || !isExecutable(cached)) {
    log(`go install failed (exit ${build.status ?? build.signal}); falling back to the SDK's download.`);
    return undefined;
  }
  return cached;
}

/** What `TestWorkflowEnvironment.createLocal` should run. */
export function temporalCliExecutable(): EphemeralServerExecutable {
  const cli = findOrBuildTemporalCli();
  return cli ? { type: 'existing-path', path: cli } : { type: 'cached-download' };
}

if (require.main === module) {
  const cli = findOrBuildTemporalCli();
  if (!cli) {
    console.log("No Temporal CLI and no Go toolchain: the SDK's download will be used.");
  } else {
    console.log(cli);
    console.log(execFileSync(cli, ['--version'], { encoding: 'utf8' }).trim());
  }
}
