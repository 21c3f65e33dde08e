/**
 * `npm run chaos -- --onboardings N [--seed S]`: the chaos suite (dev/chaos/chaos.ts) on this
 * machine's PostgreSQL (or an embedded one). Prints every fault kind's count and the checks;
 * exits 1 if anything was lost, stuck, checked twice or never, or decided twice or wrongly.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { chaosPassed, describeChaos, runChaos } from './chaos/chaos';
import { provideTestDatabase } from './test-postgres';

const USAGE = 'usage: npm run chaos -- [--onboardings N (100)] [--seed S]';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      onboardings: { type: 'string', default: '100' },
      seed: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const onboardings = Number(values.onboardings);
  const seed = values.seed === undefined ? randomBytes(4).readUInt32BE(0) : Number(values.seed);
  if (!Number.isInteger(onboardings) || onboardings < 1 || !Number.isInteger(seed)) {
    console.error(USAGE);
    return 2;
  }
  const database = await provideTestDatabase((line) => console.error(line));
  try {
    const report = await runChaos({
      onboardings,
      seed,
      postgresUrl: database.url,
      log: (line) => console.error(`[chaos] ${line}`),
    });
    console.log(describeChaos(report));
    return chaosPassed(report) ? 0 : 1;
  } finally {
    await database.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
