/**
 * The decision store: the durable record of every onboarding decision, kept after Temporal
 * has forgotten the run, and what the system needs to act exactly once: the map from ComplyCube
 * check IDs to the runs that created them, the webhook events handled or held, and the answers
 * kept for idempotency keys.
 *
 * The review desk's record lives here too: the audit trail, the review queue, console sessions,
 * the sign-in's security events and single sign-on logins in progress. Every decision, check,
 * review action and security event also goes on the ledger, hash-chained (`docs/ledger.md`).
 *
 * One SQL schema (`sql.ts`) serves both back ends: PostgreSQL when a URL is given, else PGlite
 * (PostgreSQL compiled to WebAssembly) embedded in this process, in a directory or in memory.
 * A PostgreSQL that cannot be reached surfaces as `StoreUnavailableError`.
 */
import { checkMap, type CheckMap } from './checks';
import { consoleSessions, type ConsoleSessions } from './console-sessions';
import { decisionRecords, type DecisionRecords } from './decisions';
import { idempotencyKeys, type IdempotencyKeys } from './idempotency-keys';
import { ledger, type Ledger, type LedgerEntry } from './ledger';
import { verifyLedgerChain, type ChainVerdict, type VerifyOptions } from './ledger-verify';
import { verifyLedgerPage, type PageVerdict, type VerifyPage } from './ledger-verify-page';
import {
  expiredCases,
  mayPurge,
  purgeExpiredCases,
  relationshipOf,
  recordRelationshipEnd,
  type ExpiredCase,
  type PurgeOptions,
  type RelationshipState,
  type RelationshipEnd,
} from './ledger-purge';
import { outboundWebhooks, type OutboundWebhooks } from './outbound-webhooks';
import { personalDataStore, type PersonalDataStore } from './personal-data';
import { oidcSignIns, type OidcSignIns } from './oidc-sign-ins';
import { reviewQueue, type ReviewQueue } from './review-queue';
import { reviewTrail, type ReviewTrail } from './review-trail';
import { securityEvents, type SecurityEvents } from './security-events';
import { refusedCreates, type RefusedCreates } from './refused-creates';
import { sendSchedule, type SendSchedule } from './send-schedule';
import { embedded, migrate, postgres } from './sql';
import { webhookEvents, type WebhookEvents } from './webhook-events';

export type { CheckMapping } from './checks';
export type { ConsoleSession } from './console-sessions';
export type { QueuePage } from './review-queue';
export type { DecisionRecord } from './decisions';
export type { KeyClaim } from './idempotency-keys';
export type { LedgerEntry, LedgerEntryKind, NewLedgerEntry } from './ledger';
export type { ChainProblem, ChainVerdict, VerifyOptions } from './ledger-verify';
export type { ExpiredCase, PurgeOptions, RelationshipEnd } from './ledger-purge';
export type { OidcSignIn } from './oidc-sign-ins';
export { SECURITY_EVENT_KINDS, type NewSecurityEvent, type SecurityEvent } from './security-events';
export { StoreUnavailableError } from './sql';
export type { ClaimResult, HeldCheckEvent } from './webhook-events';

export interface DecisionStore
  extends
    DecisionRecords,
    CheckMap,
    WebhookEvents,
    IdempotencyKeys,
    ReviewTrail,
    ReviewQueue,
    ConsoleSessions,
    SecurityEvents,
    OidcSignIns,
    PersonalDataStore,
    OutboundWebhooks,
    SendSchedule,
    RefusedCreates,
    Ledger {
  /** Walks the whole ledger, recomputing every hash (`ledger-verify.ts`). */
  verifyLedger(options?: VerifyOptions): Promise<ChainVerdict>;
  /** One page of that walk, from `fromSeq` (`ledger-verify-page.ts`), for the API. */
  verifyLedgerPage(page: VerifyPage): Promise<PageVerdict>;
  /** Cases whose relationship ended before `cutoff` (`ledger-purge.ts`). */
  expiredCases(cutoff: Date): Promise<ExpiredCase[]>;
  /** The retention purge, as the owner (`ledger-purge.ts`); its `ledger_purged` entries. */
  purgeExpiredCases(options: PurgeOptions): Promise<LedgerEntry[]>;
  /** Whether this connection may purge (the owner's role, not the application's). */
  mayPurge(): Promise<boolean>;
  /** Where a case's relationship stands, for the erasure's retention rule (`ledger-purge.ts`). */
  relationshipOf(onboardingId: string): Promise<RelationshipState>;
  /** An approved customer's relationship ended (`ledger-purge.ts`): retention runs from it. */
  recordRelationshipEnd(end: { onboardingId: string; actor: string | null; endedAt: string }): Promise<RelationshipEnd>;
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
    ...securityEvents(sql),
    ...oidcSignIns(sql),
    ...personalDataStore(sql),
    ...outboundWebhooks(sql),
    ...sendSchedule(sql),
    ...refusedCreates(sql),
    ...ledger(sql),
    verifyLedger: (options) => verifyLedgerChain(sql, options),
    verifyLedgerPage: (page) => verifyLedgerPage(sql, page),
    expiredCases: (cutoff) => expiredCases(sql, cutoff),
    purgeExpiredCases: (options) => purgeExpiredCases(sql, options),
    mayPurge: () => mayPurge(sql),
    relationshipOf: (onboardingId) => relationshipOf(sql, onboardingId),
    recordRelationshipEnd: (end) => recordRelationshipEnd(sql, end),
    async ping() {
      await sql.query('SELECT 1');
    },
    close: () => sql.close(),
  };
}
