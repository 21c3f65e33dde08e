/**
 * `npm run fixtures:record`: runs every scenario on a fresh dev server and saves each
 * history under `test/replay/histories/`. Re-record when a change to the workflow is meant
 * to be incompatible (and is shipped with versioning); commit the result.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { startTestSystem } from '../helpers/system';
import { SCENARIOS } from './scenarios';

async function main(): Promise<void> {
  const system = await startTestSystem();
  try {
    for (const scenario of SCENARIOS) {
      const handle = await scenario.run(system);
      const history = await handle.fetchHistory();
      const file = path.join(__dirname, 'histories', `${scenario.name}.json`);
      writeFileSync(file, `${historyToJSON(history)}\n`);
      console.log(`${scenario.name}: ${history.events?.length ?? 0} events → ${path.relative(process.cwd(), file)}`);
    }
  } finally {
    await system.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
