/**
 * The migrations of the sign-in's security events (`sql.ts` applies them in its order): the table
 * with the sessions' and single sign-on's columns it came with, then each kind added since.
 */

/** Security events, sessions' last use and credential, single sign-on logins in progress. */
export const SECURITY_EVENTS_MIGRATION = `CREATE TABLE security_events (
     id     bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     at     timestamptz NOT NULL DEFAULT now(),
     kind   text        NOT NULL
            CHECK (kind IN ('sign_in', 'sign_in_failed', 'sign_in_throttled', 'sign_out', 'session_revoked', 'evidence_viewed')),
     actor  text,
     ip     text,
     detail jsonb       NOT NULL DEFAULT '{}'
   );
   CREATE INDEX security_events_failures_by_ip ON security_events (ip, at) WHERE kind = 'sign_in_failed';
   ALTER TABLE console_sessions ADD COLUMN last_seen_at timestamptz NOT NULL DEFAULT now();
   ALTER TABLE console_sessions ADD COLUMN credential text;
   ALTER TABLE console_sessions ADD COLUMN display_name text;
   CREATE TABLE oidc_sign_ins (
     id_hash       text        PRIMARY KEY,
     state         text        NOT NULL,
     nonce         text        NOT NULL,
     code_verifier text        NOT NULL,
     expires_at    timestamptz NOT NULL
   );`;

/** 0.7.0: the codec server's decodes (docs/payload-encryption.md). */
export const CODEC_DECODE_EVENT_MIGRATION = `ALTER TABLE security_events DROP CONSTRAINT security_events_kind_check;
   ALTER TABLE security_events ADD CONSTRAINT security_events_kind_check
     CHECK (kind IN ('sign_in', 'sign_in_failed', 'sign_in_throttled', 'sign_out', 'session_revoked', 'evidence_viewed', 'codec_decode'));`;
