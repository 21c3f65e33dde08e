import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Pool } from 'pg';
import type { CheckState, OnboardingDecision } from '../workflows/onboarding-contract';

/**
 * The decision store: the durable record of every onboarding decision, kept after Temporal
 * has forgotten the run, and the map from ComplyCube check IDs to the runs that created them
 * (ComplyCube's webhook events carry the check ID only).
 *
 * One SQL schema serves both back ends: PostgreSQL when a URL is given, else PGlite
 * (PostgreSQL compiled to WebAssembly) embedded in this process, in a directory or in memory.
 */
export interface DecisionStore {
  /** Records a decision once per workflow run; a repeat leaves the first row as it is. */
  recordDecision(decision: OnboardingDecision): Promise<{ inserted: boolean }>;
  /** Every decision recorded for an onboarding (one per run), newest first. */
  decisionsFor(onboardingId: string): Promise<DecisionRecord[]>;
  /** Remembers which run created a check. Idempotent. */
  recordCheck(mapping: CheckMapping): Promise<void>;
  findCheck(checkId: string): Promise<CheckMapping | undefined>;
  /** IDs of checks that belong to earlier runs of this onboarding. */
  checkIdsOfOtherRuns(onboardingId: string, runId: string): Promise<Set<string>>;
  /** Whether a webhook event was already handled. */
  hasWebhookEvent(eventId: string): Promise<boolean>;
  /** Marks a webhook event handled. Idempotent. */
  recordWebhookEvent(eventId: string, eventType: string): Promise<void>;
  /** Throws when the store cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A recorded decision: the workflow's decision and when the store took it. */
export interface DecisionRecord extends OnboardingDecision {
  recordedAt: string;
}

/** Which run created a ComplyCube check. */
export interface CheckMapping {
  checkId: string;
  checkType: string;
  onboardingId: string;
  workflowId: string;
  runId: string;
}

export interface DecisionStoreOptions {
  /** `postgres://...`: use PostgreSQL. */
  databaseUrl?: string;
  /** PostgreSQL connections this process may hold at once (default 10). */
  poolMax?: number;
  /** Else PGlite in this directory; in memory when absent. */
  dataDir?: string;
}

/** A minimal SQL connection both back ends provide. */
interface Sql {
  query<T>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
  /** Runs `fn` in one transaction on one connection. */
  transaction<T>(fn: (sql: Pick<Sql, 'query'>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Arbitrary, fixed: serializes migrations across processes. */
const MIGRATION_LOCK = 727_274_001;

const MIGRATIONS: readonly string[] = [
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
];

/**
 * Brings the schema up to date. Safe to run from several instances at once: a transaction-scoped
 * advisory lock lets one apply each migration while the others wait, then find it applied.
 */
async function migrate(sql: Sql): Promise<void> {
  await sql.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query(`CREATE TABLE IF NOT EXISTS decision_store_migrations (
      version    integer     PRIMARY KEY,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
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

function postgres(databaseUrl: string, poolMax = 10): Sql {
  const pool = new Pool({ connectionString: databaseUrl, max: poolMax });
  // An idle client's error (the server restarted, say) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return {
    query: async <T>(text: string, params?: unknown[]) => ({ rows: (await pool.query(text, params)).rows as T[] }),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({
          query: async <T>(text: string, params?: unknown[]) => ({
            rows: (await client.query(text, params)).rows as T[],
          }),
        });
        await client.query('COMMIT');
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

/**
 * PGlite is one process's database: a second process opening the same directory would corrupt
 * it. A pid file claims the directory; a claim by a process that has died is taken over.
 */
function claimDirectory(dataDir: string): () => void {
  const pidFile = path.join(dataDir, 'owner.pid');
  let owner: number | undefined;
  try {
    owner = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    owner = undefined;
  }
  if (owner && owner !== process.pid) {
    let alive = true;
    try {
      process.kill(owner, 0);
    } catch {
      alive = false;
    }
    if (alive) {
      throw new Error(
        `the embedded decision store in ${dataDir} is in use by process ${owner}; ` +
          'set DATABASE_URL to share one store between processes',
      );
    }
  }
  writeFileSync(pidFile, String(process.pid));
  return () => rmSync(pidFile, { force: true });
}

async function embedded(dataDir: string | undefined): Promise<Sql> {
  let release = () => undefined as void;
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    release = claimDirectory(dataDir);
  }
  const db = dataDir ? new PGlite(dataDir) : new PGlite();
  await db.waitReady;
  return {
    query: (text, params) => db.query(text, params),
    transaction: (fn) => db.transaction((tx) => fn({ query: (text, params) => tx.query(text, params) })),
    async close() {
      await db.close();
      release();
    },
  };
}

interface DecisionRow {
  workflow_id: string;
  run_id: string;
  onboarding_id: string;
  decision: OnboardingDecision['decision'];
  decided_by_kind: OnboardingDecision['decidedByKind'];
  decided_by: string;
  reason: string;
  review_reasons: string[];
  checks: CheckState[];
  started_at: Date;
  decided_at: Date;
  recorded_at: Date;
}

const iso = (value: Date | string) => new Date(value).toISOString();

export async function openDecisionStore(options: DecisionStoreOptions = {}): Promise<DecisionStore> {
  const sql = options.databaseUrl ? postgres(options.databaseUrl, options.poolMax) : await embedded(options.dataDir);
  try {
    await migrate(sql);
  } catch (error) {
    await sql.close().catch(() => undefined);
    throw error;
  }

  return {
    async recordDecision(d) {
      const { rows } = await sql.query<{ workflow_id: string }>(
        `INSERT INTO onboarding_decisions
           (workflow_id, run_id, onboarding_id, decision, decided_by_kind, decided_by, reason,
            review_reasons, checks, started_at, decided_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10, $11)
         ON CONFLICT (workflow_id, run_id) DO NOTHING
         RETURNING workflow_id`,
        [
          d.workflowId,
          d.runId,
          d.onboardingId,
          d.decision,
          d.decidedByKind,
          d.decidedBy,
          d.reason,
          JSON.stringify(d.reviewReasons),
          JSON.stringify(d.checks),
          d.startedAt,
          d.decidedAt,
        ],
      );
      return { inserted: rows.length === 1 };
    },

    async decisionsFor(onboardingId) {
      const { rows } = await sql.query<DecisionRow>(
        `SELECT * FROM onboarding_decisions WHERE onboarding_id = $1 ORDER BY decided_at DESC, recorded_at DESC`,
        [onboardingId],
      );
      return rows.map((row) => ({
        onboardingId: row.onboarding_id,
        workflowId: row.workflow_id,
        runId: row.run_id,
        decision: row.decision,
        decidedByKind: row.decided_by_kind,
        decidedBy: row.decided_by,
        reason: row.reason,
        reviewReasons: row.review_reasons,
        checks: row.checks,
        startedAt: iso(row.started_at),
        decidedAt: iso(row.decided_at),
        recordedAt: iso(row.recorded_at),
      }));
    },

    async recordCheck(m) {
      await sql.query(
        `INSERT INTO onboarding_checks (check_id, check_type, onboarding_id, workflow_id, run_id)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (check_id) DO NOTHING`,
        [m.checkId, m.checkType, m.onboardingId, m.workflowId, m.runId],
      );
    },

    async findCheck(checkId) {
      const { rows } = await sql.query<{
        check_id: string;
        check_type: string;
        onboarding_id: string;
        workflow_id: string;
        run_id: string;
      }>('SELECT * FROM onboarding_checks WHERE check_id = $1', [checkId]);
      const row = rows[0];
      return row
        ? {
            checkId: row.check_id,
            checkType: row.check_type,
            onboardingId: row.onboarding_id,
            workflowId: row.workflow_id,
            runId: row.run_id,
          }
        : undefined;
    },

    async checkIdsOfOtherRuns(onboardingId, runId) {
      const { rows } = await sql.query<{ check_id: string }>(
        'SELECT check_id FROM onboarding_checks WHERE onboarding_id = $1 AND run_id <> $2',
        [onboardingId, runId],
      );
      return new Set(rows.map((row) => row.check_id));
    },

    async hasWebhookEvent(eventId) {
      const { rows } = await sql.query('SELECT 1 FROM webhook_events WHERE event_id = $1', [eventId]);
      return rows.length > 0;
    },

    async recordWebhookEvent(eventId, eventType) {
      await sql.query(
        'INSERT INTO webhook_events (event_id, event_type) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING',
        [eventId, eventType],
      );
    },

    async ping() {
      await sql.query('SELECT 1');
    },

    close: () => sql.close(),
  };
}
