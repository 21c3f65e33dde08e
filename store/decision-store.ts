/**
 * The decision store: the durable record of every onboarding decision, kept after Temporal
 * has forgotten the run, and what the system needs to act exactly once: the map from ComplyCube
 * check IDs to the runs that created them, the webhook events handled or held, and the answers
 * kept for idempotency keys.
 *
 * The review desk's record lives here too: the audit trail, the review queue, console sessions.
 *
 * One SQL schema (`sql.ts`) serves both back ends: PostgreSQL when a URL is given, else PGlite
 * (PostgreSQL compiled to WebAssembly) embedded in this process, in a directory or in memory.
 * A PostgreSQL that cannot be reached surfaces as `StoreUnavailableError`.
 */
import { checkMap, type CheckMap } from './checks';
import { consoleSessions, type ConsoleSessions } from './console-sessions';
import { decisionRecords, type DecisionRecords } from './decisions';
import { idempotencyKeys, type IdempotencyKeys } from './idempotency-keys';
import { reviewQueue, type ReviewQueue } from './review-queue';
import { reviewTrail, type ReviewTrail } from './review-trail';
import { embedded, migrate, postgres } from './sql';
import { webhookEvents, type WebhookEvents } from './webhook-events';

export type { CheckMapping } from './checks';
export type { ConsoleSession } from './console-sessions';
export type { QueuePage } from './review-queue';
export type { DecisionRecord } from './decisions';
export type { KeyClaim } from './idempotency-keys';
export { StoreUnavailableError } from './sql';
export type { ClaimResult, HeldCheckEvent } from './webhook-events';

export interface DecisionStore
  extends DecisionRecords, CheckMap, WebhookEvents, IdempotencyKeys, ReviewTrail, ReviewQueue, ConsoleSessions {
  /** Throws when the store cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DecisionStoreOptions {
  /** `postgres://...`: use PostgreSQL. */
  databaseUrl?: string;
  /** PostgreSQL connections this process may hold at once (default 10). */
  poolMax?: number;
  /** Else PGlite in this directory; in memory when absent. */
  dataDir?: string;
}

export async function openDecisionStore(options: DecisionStoreOptions = {}): Promise<DecisionStore> {
  const sql = options.databaseUrl ? postgres(options.databaseUrl, options.poolMax) : await embedded(options.dataDir);
  try {
    await migrate(sql);
  } catch (error) {
    await sql.close().catch(() => undefined);
    throw error;
  }
  return {
    ...decisionRecords(sql),
    ...checkMap(sql),
    ...webhookEvents(sql),
    ...idempotencyKeys(sql),
    ...reviewTrail(sql),
    ...reviewQueue(sql),
    ...consoleSessions(sql),
    async ping() {
      await sql.query('SELECT 1');
    },
    close: () => sql.close(),
  };
}
