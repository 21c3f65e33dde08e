/**
 * Console sessions: a session ID in an httpOnly cookie, kept here only as its SHA-256 (a leak of
 * this table signs nobody in), with the reviewer, how they signed in, a CSRF token, an expiry, the
 * last use (for the idle timeout) and, for a token sign-in, the token's fingerprint (never the
 * token), so that a session opened with a token since removed can be refused.
 */
import type { Role } from '../api/auth';
import type { Sql } from './sql';

export interface ConsoleSession {
  reviewer: string;
  /** What the sign-in established: `reviewer`, `senior_reviewer`, `auditor`. */
  roles: Role[];
  /** How the identity was established: `token` or `oidc` (single sign-on). */
  method: string;
  csrfToken: string;
  expiresAt: string;
  /** The name to show, when it is not the reviewer name (single sign-on: the IdP's user name). */
  displayName?: string | undefined;
  /** Token sign-ins: the token's fingerprint (`api/auth.ts`), to re-check it on use. */
  credential?: string | undefined;
  /** When the session was last used, to the minute. */
  lastSeenAt?: string;
}

export type NewConsoleSession = Omit<ConsoleSession, 'expiresAt' | 'lastSeenAt'> & { ttlMs: number };

export interface ConsoleSessions {
  createSession(idHash: string, session: NewConsoleSession): Promise<ConsoleSession>;
  /** The session, if it exists, has not expired and (given `idleMs`) was used within `idleMs`. */
  findSession(idHash: string, idleMs?: number): Promise<ConsoleSession | undefined>;
  /** Marks the session used now. */
  touchSession(idHash: string): Promise<void>;
  deleteSession(idHash: string): Promise<void>;
}

interface SessionRow {
  reviewer: string;
  roles: Role[];
  method: string;
  csrf_token: string;
  expires_at: Date;
  display_name: string | null;
  credential: string | null;
  last_seen_at: Date;
}

const fromRow = (row: SessionRow): ConsoleSession => ({
  reviewer: row.reviewer,
  roles: row.roles,
  method: row.method,
  csrfToken: row.csrf_token,
  expiresAt: new Date(row.expires_at).toISOString(),
  ...(row.display_name !== null ? { displayName: row.display_name } : {}),
  ...(row.credential !== null ? { credential: row.credential } : {}),
  lastSeenAt: new Date(row.last_seen_at).toISOString(),
});

export function consoleSessions(sql: Sql): ConsoleSessions {
  let lastSweep = 0;
  return {
    async createSession(idHash, { reviewer, roles, method, csrfToken, ttlMs, displayName, credential }) {
      if (Date.now() - lastSweep > 60_000) {
        lastSweep = Date.now();
        await sql.query('DELETE FROM console_sessions WHERE expires_at < now()');
      }
      const { rows } = await sql.query<SessionRow>(
        `INSERT INTO console_sessions (id_hash, reviewer, roles, method, csrf_token, expires_at, display_name, credential)
         VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6), $7, $8) RETURNING *`,
        [idHash, reviewer, roles, method, csrfToken, ttlMs / 1000, displayName ?? null, credential ?? null],
      );
      return fromRow(rows[0]!);
    },

    async findSession(idHash, idleMs) {
      const { rows } = await sql.query<SessionRow>(
        `SELECT * FROM console_sessions WHERE id_hash = $1 AND expires_at > now()
           AND ($2::float8 IS NULL OR last_seen_at > now() - make_interval(secs => $2::float8))`,
        [idHash, idleMs === undefined ? null : idleMs / 1000],
      );
      return rows[0] ? fromRow(rows[0]) : undefined;
    },

    async touchSession(idHash) {
      await sql.query('UPDATE console_sessions SET last_seen_at = now() WHERE id_hash = $1', [idHash]);
    },

    async deleteSession(idHash) {
      await sql.query('DELETE FROM console_sessions WHERE id_hash = $1', [idHash]);
    },
  };
}
