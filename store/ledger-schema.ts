/**
 * The ledger's table and the trigger that keeps it append-only (`docs/ledger.md`), as one
 * migration of `sql.ts`. `migrate` splits a migration at a semicolon that ends a line, so the
 * trigger function's body keeps its semicolons inside lines.
 *
 * The trigger refuses UPDATE, DELETE and TRUNCATE, even by the table's owner, unless the session
 * has set `kyc.ledger_break_glass` to `on` (`SET LOCAL kyc.ledger_break_glass = 'on'`): the
 * documented break-glass for an owner who must repair or purge, which is itself visible to
 * verification, since any change to an entry breaks the chain.
 */

/** The session setting that lets the owner change the ledger. */
export const LEDGER_BREAK_GLASS_SETTING = 'kyc.ledger_break_glass';

export const LEDGER_MIGRATION = `CREATE TABLE ledger_entries (
     seq           bigint      PRIMARY KEY CHECK (seq > 0),
     entry_id      text        NOT NULL UNIQUE,
     onboarding_id text,
     run_id        text,
     kind          text        NOT NULL,
     actor         text,
     channel       text,
     at            timestamptz NOT NULL,
     body          jsonb       NOT NULL,
     prev_hash     text        NOT NULL,
     hash          text        NOT NULL
   );
   CREATE INDEX ledger_entries_by_onboarding ON ledger_entries (onboarding_id, seq);
   CREATE FUNCTION ledger_entries_immutable() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF coalesce(current_setting('${LEDGER_BREAK_GLASS_SETTING}', true), '') = 'on' THEN RETURN coalesce(NEW, OLD); END IF; RAISE EXCEPTION 'ledger_entries is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege', HINT = 'the owner may set ${LEDGER_BREAK_GLASS_SETTING} = on (docs/ledger.md)'; END $$;
   CREATE TRIGGER ledger_entries_immutable BEFORE UPDATE OR DELETE ON ledger_entries
     FOR EACH ROW EXECUTE FUNCTION ledger_entries_immutable();
   CREATE TRIGGER ledger_entries_immutable_truncate BEFORE TRUNCATE ON ledger_entries
     FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_immutable();`;

/**
 * Retention purges (migration 7): an entry whose body a purge removed names that purge's entry.
 * Only the owner, under break-glass, can set it; the app role has no UPDATE on the table.
 */
export const LEDGER_PURGE_MIGRATION = `ALTER TABLE ledger_entries ADD COLUMN purged_by bigint CHECK (purged_by > seq);`;
