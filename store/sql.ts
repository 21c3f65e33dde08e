/**
 * The store's SQL connection, on PostgreSQL or on PGlite (PostgreSQL compiled to WebAssembly,
 * embedded in this process: `embedded-sql.ts`), and its one schema with its migrations.
 */
import { DatabaseError, Pool } from 'pg';
import { LEDGER_MIGRATION, LEDGER_PURGE_MIGRATION } from './ledger-schema';
import { OUTBOUND_WEBHOOKS_MIGRATION } from './outbound-webhooks-schema';
import { SEND_SCHEDULE_MIGRATION, SEND_WINDOW_MIGRATION } from './send-schedule';
import { DESK_TOOLS_MIGRATION } from './desk-tools-schema';
import { REFUSED_CREATES_MIGRATION } from './refused-creates';
import { PERSONAL_DATA_MIGRATION } from './personal-data-schema';
import { CODEC_DECODE_EVENT_MIGRATION, SECURITY_EVENTS_MIGRATION } from './security-events-schema';

export { embedded } from './embedded-sql';

/** A minimal SQL connection both back ends provide. */
export interface Sql {
  query<T>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
  /** Runs `fn` in one transaction on one connection. */
  transaction<T>(fn: (sql: Pick<Sql, 'query'>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The store cannot be reached (or refuses connections): the caller may try again later. */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
  constructor(options: { cause: unknown }) {
    super('the decision store cannot be reached', options);
  }
}

/**
 * Whether PostgreSQL failed to be there, by the error's type: a server-reported error carries a
 * SQLSTATE (`DatabaseError`), and only connection exceptions (class 08), an admin or crash
 * shutdown (57P01–57P03) and too many connections (53300) among those mean "away"; any error
 * without a SQLSTATE comes from the connection itself (refused, reset, timed out, terminated).
 */
export function isConnectionFailure(error: unknown): boolean {
  if (error instanceof DatabaseError) {
    const code = error.code ?? '';
    return code.startsWith('08') || ['57P01', '57P02', '57P03', '53300'].includes(code);
  }
  return error instanceof Error;
}

/**
 * PostgreSQL stores no NUL character, in text or in jsonb; a reason typed with one (a signal sent
 * from the CLI, say) must not make the decision unrecordable, so it becomes U+FFFD.
 */
export function storableText(text: string): string {
  // eslint-disable-next-line no-control-regex -- NUL is what PostgreSQL cannot store
  return text.replace(/\u0000/g, '\ufffd');
}

/** JSON for a jsonb column, NUL characters replaced as in `storableText`. */
export function storableJson(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, item: unknown) => (typeof item === 'string' ? storableText(item) : item));
}

/** Arbitrary, fixed: serializes migrations across processes. */
const MIGRATION_LOCK = 727_274_001;

export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE onboarding_decisions (
     workflow_id     text        NOT NULL,
     run_id          text        NOT NULL,
     onboarding_id   text        NOT NULL,
     decision        text        NOT NULL CHECK (decision IN ('approved', 'rejected', 'withdrawn')),
     decided_by_kind text        NOT NULL CHECK (decided_by_kind IN ('automatic', 'reviewer', 'system')),
     decided_by      text        NOT NULL,
     reason          text        NOT NULL,
     review_reasons  jsonb       NOT NULL,
     checks          jsonb       NOT NULL,
     started_at      timestamptz NOT NULL,
     decided_at      timestamptz NOT NULL,
     recorded_at     timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (workflow_id, run_id)
   );
   CREATE INDEX onboarding_decisions_by_onboarding ON onboarding_decisions (onboarding_id, decided_at DESC);
   CREATE TABLE onboarding_checks (
     check_id      text        PRIMARY KEY,
     check_type    text        NOT NULL,
     onboarding_id text        NOT NULL,
     workflow_id   text        NOT NULL,
     run_id        text        NOT NULL,
     created_at    timestamptz NOT NULL DEFAULT now()
   );
   CREATE INDEX onboarding_checks_by_onboarding ON onboarding_checks (onboarding_id);
   CREATE TABLE webhook_events (
     event_id    text        PRIMARY KEY,
     event_type  text        NOT NULL,
     received_at timestamptz NOT NULL DEFAULT now()
   );`,
  // Webhook events are claimed before their signal and settled after it; events for checks not
  // yet known are held; idempotency keys keep the answers to retried requests.
  `ALTER TABLE webhook_events ADD COLUMN state text NOT NULL DEFAULT 'handled'
     CHECK (state IN ('claimed', 'handled', 'held'));
   ALTER TABLE webhook_events ADD COLUMN claimed_at timestamptz;
   CREATE TABLE held_webhook_events (
     event_id    text        PRIMARY KEY,
     check_id    text        NOT NULL,
     status      text        NOT NULL,
     outcome     text,
     received_at timestamptz NOT NULL DEFAULT now()
   );
   CREATE INDEX held_webhook_events_by_check ON held_webhook_events (check_id);
   CREATE TABLE idempotency_keys (
     scope        text        NOT NULL,
     key          text        NOT NULL,
     request_hash text        NOT NULL,
     status_code  integer,
     response     jsonb,
     created_at   timestamptz NOT NULL DEFAULT now(),
     expires_at   timestamptz NOT NULL,
     PRIMARY KEY (scope, key)
   );
   CREATE INDEX idempotency_keys_by_expiry ON idempotency_keys (expires_at);`,
  // The review desk: the audit trail (append-only), the review queue (one row per run in review,
  // the newest version kept), console sessions, and the approvals on a decision.
  `CREATE TABLE review_actions (
     id            text        PRIMARY KEY,
     onboarding_id text        NOT NULL,
     workflow_id   text        NOT NULL,
     run_id        text,
     kind          text        NOT NULL CHECK (kind IN ('claim', 'release', 'first_approval', 'decision', 'refused')),
     actor         text        NOT NULL,
     channel       text        NOT NULL CHECK (channel IN ('console', 'api', 'cli', 'signal')),
     authenticated boolean     NOT NULL,
     decision      text,
     reason        text,
     refusal       text,
     at            timestamptz NOT NULL,
     recorded_at   timestamptz NOT NULL DEFAULT now()
   );
   CREATE INDEX review_actions_by_onboarding ON review_actions (onboarding_id, at);
   CREATE TABLE review_cases (
     workflow_id              text        NOT NULL,
     run_id                   text        NOT NULL,
     onboarding_id            text        NOT NULL,
     status                   text        NOT NULL,
     reasons                  jsonb       NOT NULL,
     opened_at                timestamptz NOT NULL,
     sla_due_at               timestamptz NOT NULL,
     expires_at               timestamptz NOT NULL,
     claim                    jsonb,
     first_approval           jsonb,
     second_approval_required boolean     NOT NULL,
     version                  integer     NOT NULL,
     updated_at               timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (workflow_id, run_id)
   );
   CREATE INDEX review_cases_queue ON review_cases (status, opened_at, onboarding_id);
   CREATE TABLE console_sessions (
     id_hash    text        PRIMARY KEY,
     reviewer   text        NOT NULL,
     method     text        NOT NULL,
     csrf_token text        NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now(),
     expires_at timestamptz NOT NULL
   );
   CREATE INDEX console_sessions_by_expiry ON console_sessions (expires_at);
   ALTER TABLE onboarding_decisions ADD COLUMN channel text;
   ALTER TABLE onboarding_decisions ADD COLUMN approvals jsonb;`,
  // Roles at the desk: each console session keeps the roles its sign-in established.
  `ALTER TABLE console_sessions ADD COLUMN roles text[] NOT NULL DEFAULT '{reviewer}';
   ALTER TABLE onboarding_decisions ADD COLUMN verified boolean;`,
  // Sign-in protections: the security events (append-only; failures counted per client for the
  // lockout), sessions' last use (idle timeout) and the fingerprint of the token that opened them
  // (re-checked on use), and single sign-on logins in progress (state, nonce, PKCE verifier).
  SECURITY_EVENTS_MIGRATION,
  // The ledger: every decision and review action, hash-chained and append-only (docs/ledger.md).
  LEDGER_MIGRATION,
  // Retention: the purge that removed an entry's body, by its seq (docs/ledger.md).
  LEDGER_PURGE_MIGRATION,
  // The codec server's decodes, on the record (docs/payload-encryption.md).
  CODEC_DECODE_EVENT_MIGRATION,
  // Crypto-shredding: each client's data key and the texts it protects (docs/payload-encryption.md).
  PERSONAL_DATA_MIGRATION,
  // Outbound webhooks, and resubmission requests (docs/webhooks.md, docs/resubmission.md).
  OUTBOUND_WEBHOOKS_MIGRATION,
  // The fleet's shared send schedule toward ComplyCube's rate limit (README, "Sizing the ComplyCube rate limit").
  SEND_SCHEDULE_MIGRATION,
  // Notes, assignments and decision reason codes on the audit trail (docs/reviewer-view.md).
  DESK_TOOLS_MIGRATION,
  // Creates ComplyCube refused, so a retry knows when it need not list (store/refused-creates.ts).
  REFUSED_CREATES_MIGRATION,
  // The send schedule's window: calls admitted at their slot only while the vendor's count allows.
  SEND_WINDOW_MIGRATION,
];

/**
 * Brings the schema up to date. Safe to run from several instances at once: a transaction-scoped
 * advisory lock lets one apply each migration while the others wait, then find it applied.
 */
export async function migrate(sql: Sql): Promise<void> {
  await sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    // Checked before it is created: the application's role (`app-role.ts`) may not create tables.
    const { rows: tables } = await tx.query<{ exists: boolean }>(
      "SELECT to_regclass('decision_store_migrations') IS NOT NULL AS exists",
    );
    if (!tables[0]?.exists) {
      await tx.query(`CREATE TABLE decision_store_migrations (
        version    integer     PRIMARY KEY,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    }
    const { rows } = await tx.query<{ version: number }>('SELECT version FROM decision_store_migrations');
    const applied = new Set(rows.map((row) => row.version));
    for (const [index, migration] of MIGRATIONS.entries()) {
      const version = index + 1;
      if (applied.has(version)) continue;
      for (const statement of migration.split(/;\s*\n/).filter((s) => s.trim())) await tx.query(statement);
      await tx.query('INSERT INTO decision_store_migrations (version) VALUES ($1)', [version]);
    }
  });
}

/** Rethrows a connection failure as StoreUnavailableError; anything else as it is. */
async function guarded<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw isConnectionFailure(error) ? new StoreUnavailableError({ cause: error }) : error;
  }
}

export function postgres(databaseUrl: string, poolMax = 10): Sql {
  // A server that does not answer fails a request in 2 s rather than holding it.
  const pool = new Pool({ connectionString: databaseUrl, max: poolMax, connectionTimeoutMillis: 2_000 });
  // An idle client's error (the server restarted, say) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  // Only errors of PostgreSQL's own calls are classified; a transaction body's errors pass as they are.
  return {
    query: <T>(text: string, params?: unknown[]) =>
      guarded(async () => ({ rows: (await pool.query(text, params)).rows as T[] })),
    async transaction(fn) {
      const client = await guarded(() => pool.connect());
      try {
        await guarded(() => client.query('BEGIN'));
        const result = await fn({
          query: <T>(text: string, params?: unknown[]) =>
            guarded(async () => ({ rows: (await client.query(text, params)).rows as T[] })),
        });
        await guarded(() => client.query('COMMIT'));
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
