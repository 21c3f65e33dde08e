/** The tables of crypto-shredding (`personal-data.ts`), on their own so that `sql.ts` imports nothing else. */
export const PERSONAL_DATA_MIGRATION = `CREATE TABLE client_data_keys (
     client_id    text        PRIMARY KEY,
     wrapped_key  text,
     wrapped_with text        NOT NULL,
     created_at   timestamptz NOT NULL DEFAULT now(),
     erased_at    timestamptz,
     erased_by    text,
     CHECK ((wrapped_key IS NULL) = (erased_at IS NOT NULL))
   );
   CREATE TABLE personal_texts (
     ref        text        PRIMARY KEY,
     client_id  text        NOT NULL,
     ciphertext text        NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now()
   );
   CREATE INDEX personal_texts_by_client ON personal_texts (client_id);`;
