/** LEDGER_SIGNING_KEY's two forms, the development key made once with mode 600, and checkpoint signatures. */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { verifyCheckpoints, writeCheckpoint } from '../store/ledger-checkpoints';
import { devSigningKey, parseSigningKey, SigningKeyError } from '../store/ledger-signing-key';

const dir = mkdtempSync(path.join(tmpdir(), 'ledger-key-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('ledger signing key', () => {
  it('makes the development key once, readable by its owner only', () => {
    const value = devSigningKey(dir);
    assert.equal(value, `dev-ledger-1:${path.join(dir, 'ledger-signing-key.pem')}`);
    assert.equal(statSync(path.join(dir, 'ledger-signing-key.pem')).mode & 0o777, 0o600);
    assert.equal(devSigningKey(dir), value);
    assert.equal(parseSigningKey(value).keyId, 'dev-ledger-1');
  });

  it('takes base64 PKCS#8 DER too, and refuses other keys and forms without showing them', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const der = privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    assert.equal(parseSigningKey(`k-2:${der}`).keyId, 'k-2');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    assert.throws(
      () => parseSigningKey(`k-3:${rsa.export({ format: 'der', type: 'pkcs8' }).toString('base64')}`),
      /must be an Ed25519 key/,
    );
    assert.throws(() => parseSigningKey(der), SigningKeyError);
    assert.throws(
      () => parseSigningKey('k-4:bm90IGEga2V5'),
      (error: Error) => !error.message.includes('bm90'),
    );
  });

  it('refuses a checkpoint whose signature or pinned key does not match', async () => {
    const key = parseSigningKey(devSigningKey(dir));
    const checkpoints = path.join(dir, 'checkpoints');
    const file = writeCheckpoint(checkpoints, { seq: 3, hash: 'a'.repeat(64) }, key);
    const chain = { headSeq: 3, entryAt: async () => ({ hash: 'a'.repeat(64) }) };
    assert.deepEqual((await verifyCheckpoints(checkpoints, chain)).findings, []);
    const other = parseSigningKey(
      `dev-ledger-1:${generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64')}`,
    );
    const pinned = new Map([[other.keyId, other.publicKey]]);
    assert.equal((await verifyCheckpoints(checkpoints, chain, pinned)).findings[0]?.problem, 'wrong_key');
    const signed = JSON.parse(readFileSync(file, 'utf8')) as { hash: string };
    writeFileSync(file, JSON.stringify({ ...signed, hash: 'b'.repeat(64) }));
    assert.equal((await verifyCheckpoints(checkpoints, chain)).findings[0]?.problem, 'bad_signature');
  });
});
