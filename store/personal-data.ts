/**
 * The store's part of crypto-shredding (docs/payload-encryption.md): each client's data key,
 * wrapped by the payload codec's keyring, and the texts that describe a person (reviewers'
 * reasons), each encrypted with its client's key and named by a reference. Only the references
 * go to Temporal, the decision rows, the audit trail and the ledger. Erasure destroys the key,
 * in one transaction with its ledger entry: every text of the client is unreadable from then on.
 */
import { feedLedger } from './ledger';
import type { Sql } from './sql';

/** A client's data key as stored: wrapped by the keyring's key `wrappedWith`, or gone. */
export interface ClientDataKey {
  clientId: string;
  /** Base64 of IV, ciphertext and tag; null once erased. */
  wrappedKey: string | null;
  wrappedWith: string;
  erasedAt: string | null;
  erasedBy: string | null;
}

/** A protected text and its client's key, as needed to read it. */
export interface PersonalText {
  ref: string;
  clientId: string;
  ciphertext: string;
  key: ClientDataKey | undefined;
}

export interface PersonalDataStore {
  clientDataKey(clientId: string): Promise<ClientDataKey | undefined>;
  /** Keeps `key` as the client's, unless another writer kept one first: the one kept, either way. */
  keepClientDataKey(key: { clientId: string; wrappedKey: string; wrappedWith: string }): Promise<ClientDataKey>;
  keepPersonalText(text: { ref: string; clientId: string; ciphertext: string }): Promise<void>;
  personalTexts(refs: readonly string[]): Promise<PersonalText[]>;
  /** Destroys the client's key and records it on the ledger; the first erasure's time, if already erased. */
  eraseClientDataKey(erasure: { clientId: string; actor: string; detail: Record<string, unknown> }): Promise<string>;
}

interface KeyRow {
  client_id: string;
  wrapped_key: string | null;
  wrapped_with: string;
  erased_at: Date | string | null;
  erased_by: string | null;
}

const keyOf = (row: KeyRow): ClientDataKey => ({
  clientId: row.client_id,
  wrappedKey: row.wrapped_key,
  wrappedWith: row.wrapped_with,
  erasedAt: row.erased_at === null ? null : new Date(row.erased_at).toISOString(),
  erasedBy: row.erased_by,
});

export function personalDataStore(sql: Sql): PersonalDataStore {
  const clientDataKey = async (clientId: string) => {
    const { rows } = await sql.query<KeyRow>('SELECT * FROM client_data_keys WHERE client_id = $1', [clientId]);
    return rows[0] ? keyOf(rows[0]) : undefined;
  };
  return {
    clientDataKey,
    async keepClientDataKey(key) {
      await sql.query(
        `INSERT INTO client_data_keys (client_id, wrapped_key, wrapped_with) VALUES ($1, $2, $3)
         ON CONFLICT (client_id) DO NOTHING`,
        [key.clientId, key.wrappedKey, key.wrappedWith],
      );
      return (await clientDataKey(key.clientId))!;
    },
    async keepPersonalText(text) {
      await sql.query('INSERT INTO personal_texts (ref, client_id, ciphertext) VALUES ($1, $2, $3)', [
        text.ref,
        text.clientId,
        text.ciphertext,
      ]);
    },
    async personalTexts(refs) {
      if (refs.length === 0) return [];
      const { rows } = await sql.query<KeyRow & { ref: string; ciphertext: string; text_client: string }>(
        `SELECT t.ref, t.client_id AS text_client, t.ciphertext, k.*
           FROM personal_texts t LEFT JOIN client_data_keys k ON k.client_id = t.client_id
          WHERE t.ref = ANY($1)`,
        [refs],
      );
      return rows.map((row) => ({
        ref: row.ref,
        clientId: row.text_client,
        ciphertext: row.ciphertext,
        key: row.wrapped_with === null ? undefined : keyOf(row),
      }));
    },
    async eraseClientDataKey({ clientId, actor, detail }) {
      return sql.transaction(async (tx) => {
        // A client with no key yet gets an erased one: nothing can be protected for it afterwards.
        await tx.query(
          `INSERT INTO client_data_keys (client_id, wrapped_key, wrapped_with, erased_at, erased_by)
           VALUES ($1, NULL, 'none', now(), $2) ON CONFLICT (client_id) DO NOTHING`,
          [clientId, actor],
        );
        const { rows } = await tx.query<{ erased_at: Date | string }>(
          `UPDATE client_data_keys SET wrapped_key = NULL, erased_at = coalesce(erased_at, now()),
                  erased_by = coalesce(erased_by, $2)
            WHERE client_id = $1 RETURNING erased_at`,
          [clientId, actor],
        );
        const erasedAt = new Date(rows[0]!.erased_at).toISOString();
        await feedLedger(tx, {
          entryId: `personal_data_erased:${clientId}`,
          onboardingId: clientId,
          runId: null,
          kind: 'personal_data_erased',
          actor,
          channel: 'api',
          at: erasedAt,
          body: { clientId, ...detail },
        });
        return erasedAt;
      });
    },
  };
}
