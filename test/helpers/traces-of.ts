/**
 * Everywhere the system could have kept something, as text to search: every row of every table of
 * the store, a run's history with its payloads decrypted, and what the API and the worker logged.
 * A test asserts personal data is in none of them.
 */
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import type { WorkflowHandle } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { DefaultLogger } from '@temporalio/worker';
import { Client } from 'pg';
import pino from 'pino';
import { payloadText } from './system';

/** Every row of every table of the database, one JSON object a line, each prefixed by its table. */
export async function storeDump(databaseUrl: string): Promise<string> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ schema: string; name: string }>(
      `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
        WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
    );
    const lines: string[] = [];
    for (const { schema, name } of tables) {
      const { rows } = await client.query<{ row: string }>(
        `SELECT row_to_json(t)::text AS row FROM "${schema}"."${name}" t`,
      );
      for (const { row } of rows) lines.push(`${schema}.${name} ${row}`);
    }
    return lines.join('\n');
  } finally {
    await client.end();
  }
}

function payloadsIn(value: unknown, found: Payload[] = []): Payload[] {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return found;
  const candidate = value as Payload;
  if (candidate.data instanceof Uint8Array && candidate.metadata) found.push(candidate);
  for (const child of Object.values(value)) payloadsIn(child, found);
  return found;
}

/** The run's history as fetched, and each of its payloads decrypted, as one text. */
export async function historyText(handle: WorkflowHandle): Promise<string> {
  const history = await handle.fetchHistory();
  const decoded = await Promise.all(payloadsIn(history).map((payload) => payloadText(payload)));
  return [inspect(history, { depth: null, maxArrayLength: null, maxStringLength: null }), ...decoded].join('\n');
}

/**
 * What the API (a pino logger) and the worker (the SDK runtime's logger: workflows, activities,
 * core) log, every level; the system logs nowhere else. Give `apiLogger` to the system's API and
 * `workerLogger` to `installTestRuntime`.
 */
export interface LogCapture {
  lines: string[];
  apiLogger: pino.Logger;
  workerLogger: DefaultLogger;
}

export function captureLogs(): LogCapture {
  const lines: string[] = [];
  const apiLogger = pino(
    { level: 'trace' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    }),
  );
  const workerLogger = new DefaultLogger('TRACE', (entry) => lines.push(inspect(entry, { depth: null })));
  return { lines, apiLogger, workerLogger };
}
