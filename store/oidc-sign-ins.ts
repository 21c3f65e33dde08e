/**
 * Single sign-on logins in progress: what the callback must check (the state, the nonce, the PKCE
 * code verifier), kept under the hash of a random ID the browser holds in a short-lived cookie.
 * Each is taken once: a replayed callback finds nothing.
 */
import type { Sql } from './sql';

export interface OidcSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface OidcSignIns {
  saveOidcSignIn(idHash: string, signIn: OidcSignIn & { ttlMs: number }): Promise<void>;
  /** The login, removed as it is read; undefined if unknown, already taken or expired. */
  takeOidcSignIn(idHash: string): Promise<OidcSignIn | undefined>;
}

export function oidcSignIns(sql: Sql): OidcSignIns {
  let lastSweep = 0;
  return {
    async saveOidcSignIn(idHash, { state, nonce, codeVerifier, ttlMs }) {
      if (Date.now() - lastSweep > 60_000) {
        lastSweep = Date.now();
        await sql.query('DELETE FROM oidc_sign_ins WHERE expires_at < now()');
      }
      await sql.query(
        `INSERT INTO oidc_sign_ins (id_hash, state, nonce, code_verifier, expires_at)
         VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
        [idHash, state, nonce, codeVerifier, ttlMs / 1000],
      );
    },

    async takeOidcSignIn(idHash) {
      const { rows } = await sql.query<{ state: string; nonce: string; code_verifier: string; live: boolean }>(
        `DELETE FROM oidc_sign_ins WHERE id_hash = $1
         RETURNING state, nonce, code_verifier, expires_at > now() AS live`,
        [idHash],
      );
      const row = rows[0];
      return row?.live ? { state: row.state, nonce: row.nonce, codeVerifier: row.code_verifier } : undefined;
    },
  };
}
