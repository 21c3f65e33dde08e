/**
 * The key that signs ledger checkpoints: Ed25519, named by a key ID. `LEDGER_SIGNING_KEY` is
 * `<key id>:<key>`, the key either base64 PKCS#8 DER or, when it starts with `/` or `.`, the path
 * of a PKCS#8 PEM file (a DER key in base64 always starts with `M`, so the two cannot be confused).
 * For development, `generateSigningKeyFile` writes a fresh key readable by its owner only.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface SigningKey {
  keyId: string;
  privateKey: KeyObject;
  /** Base64 SPKI DER, as checkpoints carry it. */
  publicKey: string;
}

export class SigningKeyError extends Error {
  override name = 'SigningKeyError';
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Parses `<key id>:<base64 PKCS#8 DER | path of a PEM file>`; the message never holds the key. */
export function parseSigningKey(value: string): SigningKey {
  const colon = value.indexOf(':');
  const keyId = value.slice(0, colon);
  const material = value.slice(colon + 1).trim();
  if (colon <= 0 || !KEY_ID.test(keyId) || !material) {
    throw new SigningKeyError('LEDGER_SIGNING_KEY must be <key id>:<base64 PKCS#8 DER or PEM file path>');
  }
  let privateKey: KeyObject;
  try {
    privateKey = /^[/.]/.test(material)
      ? createPrivateKey(readFileSync(material, 'utf8'))
      : createPrivateKey({ key: Buffer.from(material, 'base64'), format: 'der', type: 'pkcs8' });
  } catch (error) {
    const what = /^[/.]/.test(material) ? `the PEM file ${material}` : 'the base64 PKCS#8 DER';
    throw new SigningKeyError(
      `LEDGER_SIGNING_KEY (${keyId}): ${what} is not a private key (${(error as Error).message})`,
    );
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new SigningKeyError(`LEDGER_SIGNING_KEY (${keyId}) must be an Ed25519 key`);
  }
  return { keyId, privateKey, publicKey: spkiBase64(createPublicKey(privateKey)) };
}

export function spkiBase64(publicKey: KeyObject): string {
  return publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
}

/** Writes a new Ed25519 key as PEM with mode 600; returns the `LEDGER_SIGNING_KEY` value naming it. */
export function generateSigningKeyFile(file: string, keyId: string): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
  return `${keyId}:${path.resolve(file)}`;
}

/** `npm start`'s key when LEDGER_SIGNING_KEY is unset: `<dataDir>/ledger-signing-key.pem`, made once. */
export function devSigningKey(dataDir: string): string {
  const file = path.resolve(dataDir, 'ledger-signing-key.pem');
  try {
    return generateSigningKeyFile(file, 'dev-ledger-1');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return `dev-ledger-1:${file}`;
  }
}
