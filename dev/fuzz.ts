/**
 * `npm run fuzz -- [--runs N] [--seed S]`: property-based requests to every route of an API on a
 * real dev server, worker and emulator (dev/fuzz/api-fuzz.ts). Prints the seed and the answers
 * by status; exits 1 on any 5xx or error in the wrong shape.
 */
import { parseArgs } from 'node:util';
import { describeReport, fuzzApi } from './fuzz/api-fuzz';
import { startInProcessSystem } from '../system/in-process';

const USAGE = 'usage: npm run fuzz -- [--runs N (1000)] [--seed S]';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '1000' }, seed: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const runs = Number(values.runs);
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (!Number.isInteger(runs) || runs < 1 || (seed !== undefined && !Number.isInteger(seed))) {
    console.error(USAGE);
    return 2;
  }
  const system = await startInProcessSystem();
  try {
    const started = Date.now();
    const report = await fuzzApi(system, { runs, ...(seed !== undefined ? { seed } : {}) });
    console.log(`${describeReport(report)}\n(${Math.round((Date.now() - started) / 1000)} s)`);
    return report.failure || !report.readyAfter ? 1 : 0;
  } finally {
    await system.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
