/**
 * `npm run onboarding -- <command>`: operate onboardings directly through Temporal. `--help` lists
 * the commands (client/usage.ts); connection settings come from the environment, as for the worker.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { ConfigError, loadConfig, temporalConnectionOptions } from '../config/config';
import { projectRoot } from '../config/paths';
import { clientInterceptors } from '../observability/tracing';
import { dataConverter } from '../security/data-converter';
import { parseCodecKeyring, type CodecKeyring } from '../security/payload-codec';
import { listCommand, showCommand, startCommand, withdrawCommand } from './onboarding-commands';
import {
  auditCommand,
  eraseCommand,
  claimCommand,
  resubmitCommand,
  reviewCommand,
  assignCommand,
  noteCommand,
  syncReviewQueueCommand,
  type ReviewCommandContext,
} from './review-commands';
import { COMMAND_HELP, isCommand, RefusedError, USAGE, UsageError, type CommandName } from './usage';

const OPTIONS = {
  'client-id': { type: 'string' },
  'address-id': { type: 'string' },
  'document-id': { type: 'string' },
  'live-video-id': { type: 'string' },
  'check-timeout': { type: 'string' },
  'review-sla': { type: 'string' },
  'review-expiry': { type: 'string' },
  reverify: { type: 'boolean' },
  status: { type: 'string' },
  decision: { type: 'string' },
  reason: { type: 'string' },
  reviewer: { type: 'string' },
  items: { type: 'string' },
  reasons: { type: 'string' },
  'reason-codes': { type: 'string' },
  to: { type: 'string' },
  text: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

const NEEDS_ID: readonly CommandName[] = [
  'show',
  'claim',
  'release',
  'review',
  'resubmit',
  'assign',
  'note',
  'audit',
  'withdraw',
  'erase',
];
const THROUGH_THE_API: readonly CommandName[] = ['claim', 'release', 'review', 'resubmit', 'assign', 'note', 'erase'];

const print = (value: unknown) => console.log(JSON.stringify(value, null, 2));

/** Parses the command line; unknown options are usage errors that name the command. */
function parse(command: CommandName, args: string[]) {
  try {
    return parseArgs({ args, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split('\n')[0]}`, command);
  }
}

async function run(desk: ReviewCommandContext, command: CommandName, values: Values, positionals: string[]) {
  const onboardingId = () => {
    if (!positionals[0]) throw new UsageError(`${command} needs an ONBOARDING_ID.`, command);
    return positionals[0];
  };
  switch (command) {
    case 'start':
      return startCommand(desk, values);
    case 'show':
      return showCommand(desk, onboardingId());
    case 'list':
      return listCommand(desk, values.status);
    case 'claim':
    case 'release':
    case 'review':
    case 'resubmit':
    case 'assign':
    case 'note':
    case 'erase':
      throw new Error(`${command} goes through the API`);
    case 'audit':
      return auditCommand(desk, onboardingId());
    case 'sync-review-queue':
      return syncReviewQueueCommand(desk);
    case 'withdraw':
      return withdrawCommand(desk, onboardingId());
  }
}

async function main(argv: string[]): Promise<void> {
  const [first, ...rest] = argv;
  if (first === undefined || first === 'help' || first === '--help' || first === '-h') {
    const topic = rest[0];
    console.log(isCommand(topic) ? `usage: npm run onboarding -- ${COMMAND_HELP[topic]}` : USAGE);
    return;
  }
  if (!isCommand(first)) throw new UsageError(`Unknown command "${first}".`);
  const { values, positionals } = parse(first, rest);
  if (values.help) {
    console.log(`usage: npm run onboarding -- ${COMMAND_HELP[first]}`);
    return;
  }
  if (NEEDS_ID.includes(first) && !positionals[0]) throw new UsageError(`${first} needs an ONBOARDING_ID.`, first);
  const config = loadConfig();
  if (THROUGH_THE_API.includes(first)) {
    // No Temporal connection: the API authenticates the reviewer and sends the Update.
    const reviewer = { env: process.env, print };
    if (first === 'erase') return eraseCommand(reviewer, positionals[0]!);
    if (first === 'review') return reviewCommand(reviewer, positionals[0]!, values);
    if (first === 'resubmit') return resubmitCommand(reviewer, positionals[0]!, values);
    if (first === 'assign') return assignCommand(reviewer, positionals[0]!, values.to);
    if (first === 'note') return noteCommand(reviewer, positionals[0]!, values.text);
    return claimCommand(reviewer, positionals[0]!, values.reviewer, first === 'release');
  }
  const connection = await Connection.connect(temporalConnectionOptions(config.temporal)).catch((error: Error) => {
    throw new Error(`Temporal at ${config.temporal.address} cannot be reached (${error.message}).`);
  });
  try {
    const client = new Client({
      connection,
      namespace: config.temporal.namespace,
      interceptors: clientInterceptors(),
      dataConverter: dataConverter(config.payloadCodecKeys ?? devCodecKeyring()),
    });
    await run({ client, config, print }, first, values, positionals);
  } finally {
    await connection.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    // The mistake and the one command's usage, not the whole page: `--help` has that.
    const usage = error.command
      ? `usage: npm run onboarding -- ${COMMAND_HELP[error.command].split('\n')[0]}`
      : 'Commands: npm run onboarding -- --help';
    console.error(`${error.message}\n${usage}`);
    process.exit(2);
  }
  if (error instanceof RefusedError) {
    console.error(error.message);
    process.exit(3);
  }
  console.error(error instanceof ConfigError ? error.message : error instanceof Error ? error.message : error);
  process.exit(1);
});

/** `npm start`'s keyring when PAYLOAD_CODEC_KEYS is not set, so the CLI reads what it encrypted. */
function devCodecKeyring(): CodecKeyring | undefined {
  const file = path.join(projectRoot(), '.data', 'payload-codec-keys');
  return existsSync(file) ? parseCodecKeyring(readFileSync(file, 'utf8').trim()) : undefined;
}
