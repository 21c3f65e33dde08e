/**
 * `npm test`: finds or builds the Temporal CLI once, then runs every `test/**\/*.test.ts`
 * file with Node's test runner. Each file that needs Temporal starts its own dev server
 * from that CLI. Extra arguments are passed to the runner (e.g. a single file).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { findOrBuildTemporalCli } from './temporal-cli';

const root = path.resolve(__dirname, '..');

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(full);
    return entry.name.endsWith('.test.ts') ? [path.relative(root, full)] : [];
  });
}

const cli = findOrBuildTemporalCli();
const env = { ...process.env, ...(cli ? { TEMPORAL_CLI_PATH: cli } : {}) };
const requested = process.argv.slice(2);
const files = requested.length ? requested : testFiles(path.join(root, 'test')).sort();

const run = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${process.env.TEST_CONCURRENCY ?? '2'}`, ...files],
  { cwd: root, env, stdio: 'inherit' },
);
process.exit(run.status ?? 1);
