/**
 * `npm run ledger -- verify | checkpoint | verify-record FILE`: the ledger's operator and auditor
 * commands (docs/ledger.md). The store comes from DATABASE_URL, else DECISION_STORE_DIR, as for
 * the worker and the API. Exit codes: 0 verified (or signed), 1 broken, 2 usage or configuration.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/config';
import { openDecisionStore } from '../store/decision-store';
import { SigningKeyError } from '../store/ledger-signing-key';
import { checkpointCommand, purgeCommand, verifyCommand, verifyRecordCommand, type LedgerIo } from './ledger-commands';

const USAGE = `usage: npm run ledger -- <command>
  verify [--page-size N]   walk the whole chain, recompute every hash, check every checkpoint
  checkpoint               sign the head (LEDGER_SIGNING_KEY) into LEDGER_CHECKPOINT_DIR
  verify-record FILE       check one case's record (GET /v1/onboardings/:id/record) offline
  purge [--before DATE] [--dry-run] [--actor NAME]
                           as the store's owner: remove the content of cases whose relationship
                           ended more than LEDGER_RETENTION_YEARS (5) ago; hashes stay, and the
                           purge is itself recorded (docs/ledger.md)`;

const io: LedgerIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  progress: process.stderr.isTTY,
};

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'page-size': { type: 'string' },
      before: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      actor: { type: 'string', default: process.env.USER ?? 'operator' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, file] = positionals;
  const pageSize = Number(values['page-size'] ?? 1000);
  if (values.help || !command || !Number.isSafeInteger(pageSize) || pageSize < 1) {
    (values.help ? io.out : io.err)(USAGE);
    return values.help ? 0 : 2;
  }
  if (command === 'verify-record') {
    if (!file) return (io.err(USAGE), 2);
    return verifyRecordCommand(file, io);
  }
  if (!['verify', 'checkpoint', 'purge'].includes(command))
    return (io.err(`Unknown command "${command}".\n${USAGE}`), 2);
  const config = loadConfig();
  const store = await openDecisionStore(config.store);
  try {
    if (command === 'purge') {
      return await purgeCommand(store, config, io, {
        before: values.before,
        dryRun: values['dry-run'],
        actor: values.actor,
      });
    }
    return command === 'verify'
      ? await verifyCommand(store, config, io, pageSize)
      : await checkpointCommand(store, config, io);
  } finally {
    await store.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const usage =
      error instanceof ConfigError ||
      error instanceof SigningKeyError ||
      String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
    console.error(error instanceof Error ? error.message : error);
    process.exit(usage ? 2 : 1);
  },
);
