/**
 * Console sessions: a session ID in an httpOnly cookie, kept here only as its SHA-256 (a leak of
 * this table signs nobody in), with the reviewer, how they signed in, a CSRF token and an expiry.
 */
import type { Sql } from './sql';

export interface ConsoleSession {
  reviewer: string;
  /** How the identity was established: `token` today, `oidc` once single sign-on is added. */
  method: string;
  csrfToken: string;
  expiresAt: string;
}

export interface ConsoleSessions {
  createSession(
    idHash: string,
    session: Omit<ConsoleSession, 'expiresAt'> & { ttlMs: number },
  ): Promise<ConsoleSession>;
  /** The session, if it exists and has not expired. */
  findSession(idHash: string): Promise<ConsoleSession | undefined>;
  deleteSession(idHash: string): Promise<void>;
}

export function consoleSessions(sql: Sql): ConsoleSessions {
  let lastSweep = 0;
  return {
    async createSession(idHash, { reviewer, method, csrfToken, ttlMs }) {
      if (Date.now() - lastSweep > 60_000) {
        lastSweep = Date.now();
        await sql.query('DELETE FROM console_sessions WHERE expires_at < now()');
      }
      const { rows } = await sql.query<{ expires_at: Date }>(
        `INSERT INTO console_sessions (id_hash, reviewer, method, csrf_token, expires_at)
         VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5)) RETURNING expires_at`,
        [idHash, reviewer, method, csrfToken, ttlMs / 1000],
      );
      return { reviewer, method, csrfToken, expiresAt: new Date(rows[0]!.expires_at).toISOString() };
    },

    async findSession(idHash) {
      const { rows } = await sql.query<{ reviewer: string; method: string; csrf_token: string; expires_at: Date }>(
        'SELECT reviewer, method, csrf_token, expires_at FROM console_sessions WHERE id_hash = $1 AND expires_at > now()',
        [idHash],
      );
      const row = rows[0];
      return row
        ? {
            reviewer: row.reviewer,
            method: row.method,
            csrfToken: row.csrf_token,
            expiresAt: new Date(row.expires_at).toISOString(),
          }
        : undefined;
    },

    async deleteSession(idHash) {
      await sql.query('DELETE FROM console_sessions WHERE id_hash = $1', [idHash]);
    },
  };
}
