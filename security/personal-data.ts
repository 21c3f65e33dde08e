/**
 * Crypto-shredding (docs/payload-encryption.md). A text that describes a person, a reviewer's
 * reason, is encrypted with its client's data key (AES-256-GCM) and kept in the store; what goes
 * to Temporal, the decision rows, the audit trail and the ledger is only its reference,
 * `pd1:<client ID>:<random>`. The data key is itself wrapped by the payload codec's keyring.
 * Erasing a client destroys its key: every reference of the client then reads as `[erased]`,
 * in the API, the console and the codec server, while the IDs, decisions and ledger hashes stay.
 */
import { randomBytes } from 'node:crypto';
import type { PersonalDataStore, PersonalText } from '../store/personal-data';
import { open, seal } from './aes-gcm';
import type { CodecKeyring } from './payload-codec';

/** What a reference reads as once its client is erased (or its text cannot be read). */
export const ERASED_TEXT = '[erased]';
const REF = /^pd1:([0-9a-f]{24}):[0-9a-f]{32}$/;
export const isPersonalRef = (value: unknown): value is string => typeof value === 'string' && REF.test(value);

export class ClientErasedError extends Error {
  override name = 'ClientErasedError';
  constructor(readonly clientId: string) {
    super(`The personal data of client ${clientId} was erased`);
  }
}

export interface PersonalData {
  /** Encrypts `text` with the client's data key (made on first use); its reference. */
  protect(clientId: string, text: string): Promise<string>;
  /** `value` with every reference in it, however deep, replaced by its text, or `[erased]`. */
  reveal<T>(value: T): Promise<T>;
  /** Each reference's text, or `[erased]`. */
  texts(refs: readonly string[]): Promise<Record<string, string>>;
}

export function createPersonalData(store: PersonalDataStore, keyring: CodecKeyring): PersonalData {
  const wrapAad = (clientId: string) => `client-data-key:${clientId}`;

  async function dataKeyFor(clientId: string): Promise<Uint8Array> {
    let stored = await store.clientDataKey(clientId);
    if (!stored) {
      const { id, key } = keyring.encrypting;
      stored = await store.keepClientDataKey({
        clientId,
        wrappedKey: seal(key, randomBytes(32), wrapAad(clientId)).toString('base64'),
        wrappedWith: id,
      });
    }
    const unwrapped = unwrap(stored.clientId, stored.wrappedKey, stored.wrappedWith);
    if (!unwrapped) throw new ClientErasedError(clientId);
    return unwrapped;
  }

  function unwrap(clientId: string, wrapped: string | null, wrappedWith: string): Uint8Array | undefined {
    const key = keyring.decrypting.get(wrappedWith);
    if (!wrapped || !key) return undefined;
    return open(key, Buffer.from(wrapped, 'base64'), wrapAad(clientId));
  }

  function read(text: PersonalText): string {
    try {
      const key = text.key && unwrap(text.clientId, text.key.wrappedKey, text.key.wrappedWith);
      return key ? open(key, Buffer.from(text.ciphertext, 'base64'), text.ref).toString('utf8') : ERASED_TEXT;
    } catch {
      return ERASED_TEXT;
    }
  }

  async function texts(refs: readonly string[]): Promise<Record<string, string>> {
    const found = new Map((await store.personalTexts(refs)).map((t) => [t.ref, read(t)] as const));
    return Object.fromEntries(refs.map((ref) => [ref, found.get(ref) ?? ERASED_TEXT]));
  }

  return {
    texts,
    async protect(clientId, text) {
      const key = await dataKeyFor(clientId);
      const ref = `pd1:${clientId}:${randomBytes(16).toString('hex')}`;
      const ciphertext = seal(key, Buffer.from(text, 'utf8'), ref).toString('base64');
      await store.keepPersonalText({ ref, clientId, ciphertext });
      return ref;
    },
    async reveal(value) {
      const refs = new Set<string>();
      collect(value, refs);
      if (refs.size === 0) return value;
      const found = await texts([...refs]);
      return replace(value, (ref) => found[ref]!) as typeof value;
    },
  };
}

function collect(value: unknown, into: Set<string>): void {
  if (isPersonalRef(value)) into.add(value);
  else if (Array.isArray(value)) for (const item of value) collect(item, into);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) collect(item, into);
}

function replace(value: unknown, text: (ref: string) => string): unknown {
  if (isPersonalRef(value)) return text(value);
  if (Array.isArray(value)) return value.map((item) => replace(item, text));
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replace(v, text)]));
  }
  return value;
}
