/**
 * The security events of the console's sign-in, append-only: every sign-in, failed or throttled
 * attempt, sign-out and revoked session, and every view of a case's evidence, with who (when known), the client's address and what
 * else is worth knowing. Never a credential: callers put no token, session ID or secret in
 * `detail`. The failures per address are what the sign-in lockout counts.
 */
import { feedLedger } from './ledger';
import { securityEventEntry } from './ledger-feeds';
import { storableJson, storableText, type Sql } from './sql';

import type { SecurityEventKind } from './security-event-kinds';

export { SECURITY_EVENT_KINDS, type SecurityEventKind } from './security-event-kinds';

export interface SecurityEvent {
  id: number;
  at: string;
  kind: SecurityEventKind;
  /** The reviewer, when the event has one (a failed token sign-in has none). */
  actor: string | null;
  ip: string | null;
  detail: Record<string, unknown>;
}

export type NewSecurityEvent = Pick<SecurityEvent, 'kind'> & Partial<Pick<SecurityEvent, 'actor' | 'ip' | 'detail'>>;

export interface SecurityEvents {
  /** Writes the event and its ledger entry together. */
  recordSecurityEvent(event: NewSecurityEvent): Promise<void>;
  /** Newest first, `limit` of them, those older than the event `before` when given. */
  securityEvents(page: { before?: number | undefined; limit: number }): Promise<SecurityEvent[]>;
  /**
   * When `ip` may try to sign in again, if it has failed `max` times within the last `windowMs`:
   * the moment the oldest of those `max` failures leaves the window. Undefined: not locked out.
   */
  signInLockedUntil(ip: string, limits: { max: number; windowMs: number }): Promise<Date | undefined>;
}

interface EventRow {
  id: string;
  at: Date;
  kind: SecurityEventKind;
  actor: string | null;
  ip: string | null;
  detail: Record<string, unknown>;
}

export function securityEvents(sql: Sql): SecurityEvents {
  return {
    async recordSecurityEvent(event) {
      const { kind, actor, ip, detail } = event;
      await sql.transaction(async (tx) => {
        const { rows } = await tx.query<{ id: string; at: Date }>(
          'INSERT INTO security_events (kind, actor, ip, detail) VALUES ($1, $2, $3, $4) RETURNING id::text AS id, at',
          [kind, actor == null ? null : storableText(actor), ip ?? null, storableJson(detail ?? {})],
        );
        const row = rows[0]!;
        await feedLedger(tx, securityEventEntry(Number(row.id), event, new Date(row.at)));
      });
    },

    async securityEvents({ before, limit }) {
      const { rows } = await sql.query<EventRow>(
        `SELECT id::text AS id, at, kind, actor, ip, detail FROM security_events
         WHERE ($1::bigint IS NULL OR id < $1::bigint) ORDER BY security_events.id DESC LIMIT $2`,
        [before ?? null, limit],
      );
      return rows.map((row) => ({
        id: Number(row.id),
        at: new Date(row.at).toISOString(),
        kind: row.kind,
        actor: row.actor,
        ip: row.ip,
        detail: row.detail,
      }));
    },

    async signInLockedUntil(ip, { max, windowMs }) {
      const { rows } = await sql.query<{ until: Date }>(
        `SELECT at + make_interval(secs => $2) AS until FROM security_events
         WHERE kind = 'sign_in_failed' AND ip = $1 AND at > now() - make_interval(secs => $2)
         ORDER BY at DESC OFFSET $3 LIMIT 1`,
        [ip, windowMs / 1000, max - 1],
      );
      return rows[0] ? new Date(rows[0].until) : undefined;
    },
  };
}
