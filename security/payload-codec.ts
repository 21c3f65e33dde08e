/**
 * The payload codec (docs/payload-encryption.md): every payload a client or worker sends to
 * Temporal is encrypted with AES-256-GCM before it leaves the process, so Temporal's database,
 * its visibility store and every export hold ciphertext only.
 *
 * An encrypted payload is `{metadata: {encoding: "binary/encrypted", "encryption-key-id": <id>},
 * data: <12-byte IV> <ciphertext> <16-byte tag>}`, the plaintext being the original payload
 * serialized as its protobuf, so its own metadata (its encoding) is encrypted too. The key ID is
 * bound to the ciphertext as additional authenticated data: moving a payload under another key's
 * name fails to decrypt. Payloads without this encoding (every history recorded before 0.7.0)
 * pass through unchanged, so old runs replay and finish.
 */
import { ValueError, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { open, seal } from './aes-gcm';
import { parseKeyring } from './keyring';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const KEY_BYTES = 32;

/**
 * Whether the codec encrypts what it encodes: always, except in the benchmark's
 * `product-without-codec` design, which measures what encryption costs. It decodes either way.
 */
export const PAYLOAD_ENCRYPTION = { on: true };

/** The codec's keys: the first encrypts, every one decrypts. */
export interface CodecKeyring {
  encrypting: { id: string; key: Uint8Array };
  decrypting: ReadonlyMap<string, Uint8Array>;
}

/**
 * A keyring from `PAYLOAD_CODEC_KEYS`: `<id>:<base64url 32-byte key>[,<id>:<key>…]`, newest first.
 * Throws a message that names entries and key IDs, never a key.
 */
export function parseCodecKeyring(value: string): CodecKeyring {
  const ring = parseKeyring(value);
  for (const [id, key] of ring.verifying) {
    if (key.length !== KEY_BYTES)
      throw new Error(`the key ${id} must be exactly ${KEY_BYTES} bytes (AES-256), base64url`);
  }
  return { encrypting: { id: ring.signing.id, key: ring.signing.secret }, decrypting: ring.verifying };
}

const utf8 = (value: string) => new TextEncoder().encode(value);
const text = (bytes: Uint8Array | null | undefined) => (bytes ? new TextDecoder().decode(bytes) : undefined);

/** Whether a payload is one this codec encrypted. */
export function isEncrypted(payload: Payload): boolean {
  return text(payload.metadata?.encoding) === ENCRYPTED_ENCODING;
}

export class AesGcmPayloadCodec implements PayloadCodec {
  constructor(private readonly keyring: CodecKeyring) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    if (!PAYLOAD_ENCRYPTION.on) return payloads;
    const { id, key } = this.keyring.encrypting;
    return payloads.map((payload) => ({
      metadata: { encoding: utf8(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8(id) },
      data: seal(key, temporal.api.common.v1.Payload.encode(payload).finish(), id),
    }));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => (isEncrypted(payload) ? this.decrypt(payload) : payload));
  }

  private decrypt(payload: Payload): Payload {
    const id = text(payload.metadata?.[KEY_ID_METADATA]);
    const key = id === undefined ? undefined : this.keyring.decrypting.get(id);
    // No payload content in these messages: they may end up in logs and failures.
    if (!key) throw new ValueError(`payload encrypted with key ${JSON.stringify(id)}, which the keyring lacks`);
    let plain: Buffer;
    try {
      plain = open(key, payload.data ?? new Uint8Array(), id!);
    } catch {
      throw new ValueError(`encrypted payload failed authentication under key ${JSON.stringify(id)}`);
    }
    const decoded = temporal.api.common.v1.Payload.decode(plain);
    return { metadata: decoded.metadata, data: decoded.data };
  }
}
