/**
 * `npm test`: finds or builds the Temporal CLI once, provides a PostgreSQL (the local one, or an
 * embedded one from npm when none answers) a Chromium for the console's tests and promtool for the monitoring configuration, then runs every `test/**\/*.test.ts` file with Node's
 * test runner. Each file that needs Temporal starts its own dev server from that CLI. Extra
 * arguments are passed to the runner (e.g. a single file).
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { findOrInstallChromium } from './chromium';
import { ensureConsoleBuilt } from './console-build';
import { findOrBuildPromtool } from './promtool';
import { findOrBuildTemporalCli } from './temporal-cli';
import { provideTestDatabase } from './test-postgres';

const root = path.resolve(__dirname, '..');

/** Every test file, but the production topology's, which `npm run test:production` runs. */
function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return full === path.join(root, 'test', 'production') ? [] : testFiles(full);
    return entry.name.endsWith('.test.ts') ? [path.relative(root, full)] : [];
  });
}

async function main(): Promise<number> {
  const cli = await findOrBuildTemporalCli();
  ensureConsoleBuilt();
  const chromium = findOrInstallChromium();
  const promtool = await findOrBuildPromtool();
  const database = await provideTestDatabase((line) => console.error(line));
  console.error(`Tests use PostgreSQL from ${database.source}.`);
  const stopDatabase = () => database.stop();
  // Ctrl-C reaches the test runner too; the embedded PostgreSQL is stopped once it has exited.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);
  try {
    const requested = process.argv.slice(2);
    const files = requested.length ? requested : testFiles(path.join(root, 'test')).sort();
    const runner = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', `--test-concurrency=${process.env.TEST_CONCURRENCY ?? '2'}`, ...files],
      {
        cwd: root,
        env: {
          ...process.env,
          ...(cli ? { TEMPORAL_CLI_PATH: cli } : {}),
          TEST_DATABASE_URL: database.url,
          CHROMIUM_PATH: chromium,
          ...(promtool ? { PROMTOOL_PATH: promtool } : {}),
        },
        stdio: 'inherit',
      },
    );
    return await new Promise<number>((resolve) => runner.once('exit', (code) => resolve(code ?? 1)));
  } finally {
    await stopDatabase();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
