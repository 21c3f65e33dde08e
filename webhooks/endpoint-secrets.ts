/**
 * Each endpoint's signing secret (Standard Webhooks: `whsec_<base64>`): shown once when the
 * endpoint is created, then kept only sealed with the payload codec's keyring (AES-256-GCM, bound
 * to the endpoint's ID), so a reader of the database cannot sign events as us.
 */
import { randomBytes } from 'node:crypto';
import { open, seal } from '../security/aes-gcm';
import type { CodecKeyring } from '../security/payload-codec';

const SECRET_PREFIX = 'whsec_';
const SEALED_PREFIX = 'sealed1';

/** A new secret: 32 random bytes, as Standard Webhooks writes them. */
export function newEndpointSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

export interface EndpointSecrets {
  seal(endpointId: string, secret: string): string;
  open(endpointId: string, sealed: string): string;
}

/** Seals with the ring's newest key, opens with the key the sealed text names. */
export function endpointSecrets(keyring: CodecKeyring): EndpointSecrets {
  const aad = (endpointId: string) => `webhook-endpoint-secret:${endpointId}`;
  return {
    seal(endpointId, secret) {
      const { id, key } = keyring.encrypting;
      const sealed = seal(key, Buffer.from(secret, 'utf8'), aad(endpointId));
      return `${SEALED_PREFIX}:${id}:${sealed.toString('base64url')}`;
    },
    open(endpointId, sealedText) {
      const [prefix, keyId, body] = sealedText.split(':');
      const key = keyId === undefined ? undefined : keyring.decrypting.get(keyId);
      if (prefix !== SEALED_PREFIX || !key || body === undefined) {
        throw new Error(`the secret of webhook endpoint ${endpointId} is sealed with a key not in PAYLOAD_CODEC_KEYS`);
      }
      return open(key, Buffer.from(body, 'base64url'), aad(endpointId)).toString('utf8');
    },
  };
}
