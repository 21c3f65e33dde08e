/**
 * The review-assertion keyring: HMAC keys with IDs, held by the API (to sign) and the workers (to
 * verify), and by nobody else. Configured as `REVIEW_ASSERTION_KEYS=<id>:<secret>[,<id>:<secret>…]`,
 * secrets base64url of at least 32 bytes; the first entry signs, every entry verifies, so a key is
 * rotated by putting a new one first and dropping the old one once no assertion it signed is in
 * flight (assertions live five minutes; replay never checks them again: docs/security.md).
 */
import { randomBytes } from 'node:crypto';

export interface ReviewKeyring {
  signing: { id: string; secret: Uint8Array };
  verifying: ReadonlyMap<string, Uint8Array>;
}

const MIN_SECRET_BYTES = 32;

/** A keyring from its configuration; throws a message that names no secret. */
export function parseKeyring(value: string): ReviewKeyring {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry, index) => {
      const separator = entry.indexOf(':');
      const id = entry.slice(0, separator);
      const secret = Buffer.from(entry.slice(separator + 1), 'base64url');
      if (separator <= 0 || !/^[A-Za-z0-9._-]{1,64}$/.test(id)) {
        throw new Error(`entry ${index + 1} must be <key id>:<base64url secret>, the ID in letters, digits, . _ -`);
      }
      if (secret.length < MIN_SECRET_BYTES) {
        throw new Error(`the secret of key ${id} must be at least ${MIN_SECRET_BYTES} bytes (base64url)`);
      }
      return { id, secret: new Uint8Array(secret) };
    });
  const [signing] = entries;
  if (!signing) throw new Error('no keys');
  const verifying = new Map(entries.map(({ id, secret }) => [id, secret] as const));
  if (verifying.size !== entries.length) throw new Error('key IDs must be distinct');
  return { signing, verifying };
}

/** A new key entry, `<id>:<secret>`, for `npm start`, the tests and operators rotating keys. */
export function newKeyEntry(id = `k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}`): string {
  return `${id}:${randomBytes(32).toString('base64url')}`;
}
