/**
 * Finds a Temporal CLI for the dev server, or builds one.
 *
 * In order: `TEMPORAL_CLI_PATH`; `temporal` on PATH; this project's cache
 * (`.temporal/bin/temporal`); a build with `go install` into that cache. Where none of
 * these works (no Go), the SDK's own download is used, which needs internet access.
 *
 * Run directly (`npm run temporal-cli`) it builds the CLI if need be and prints its path.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { EphemeralServerExecutable } from '@temporalio/testing/lib/ephemeral-server';
import { goInstall, isExecutable, onPath } from './go-install';

/** The newest CLI release whose go.mod has no `replace` directive, which `go install` refuses. */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

const cacheDir = path.resolve(__dirname, '..', '.temporal', 'bin');

/** A CLI already on this machine, without building one. */
export function findTemporalCli(): string | undefined {
  const configured = process.env.TEMPORAL_CLI_PATH;
  if (configured) {
    if (!isExecutable(configured)) throw new Error(`TEMPORAL_CLI_PATH=${configured} is not an executable file`);
    return configured;
  }
  const cached = path.join(cacheDir, 'temporal');
  return onPath('temporal') ?? (isExecutable(cached) ? cached : undefined);
}

/** The path of a usable CLI, building it if need be; undefined when this machine cannot have one. */
export async function findOrBuildTemporalCli(log?: (line: string) => void): Promise<string | undefined> {
  const found = findTemporalCli();
  if (found) return found;
  const built = await goInstall(TEMPORAL_CLI_MODULE, cacheDir, 'the Temporal CLI', log);
  const cached = path.join(cacheDir, 'temporal');
  if (built && isExecutable(cached)) return cached;
  (log ?? console.error)("Falling back to the SDK's download of the Temporal CLI (needs internet access).");
  return undefined;
}

/** What `TestWorkflowEnvironment.createLocal` should run: a CLI found here, else the SDK's download. */
export function temporalCliExecutable(): EphemeralServerExecutable {
  const cli = findTemporalCli();
  return cli ? { type: 'existing-path', path: cli } : { type: 'cached-download' };
}

if (require.main === module) {
  void findOrBuildTemporalCli().then((cli) => {
    if (!cli) {
      console.log("No Temporal CLI and no Go toolchain: the SDK's download will be used.");
      return;
    }
    console.log(cli);
    console.log(execFileSync(cli, ['--version'], { encoding: 'utf8' }).trim());
  });
}
