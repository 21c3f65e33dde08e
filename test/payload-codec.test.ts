/**
 * The payload codec on its own (security/payload-codec.ts): AES-256-GCM with the key ID in the
 * metadata, rotation, payloads from before the codec, and what a tampered payload gets.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApplicationFailure, DefaultFailureConverter, defaultPayloadConverter } from '@temporalio/common';
import { newKeyEntry } from '../security/keyring';
import {
  AesGcmPayloadCodec,
  ENCRYPTED_ENCODING,
  isEncrypted,
  KEY_ID_METADATA,
  parseCodecKeyring,
} from '../security/payload-codec';
import { loadConfig } from '../config/config';
import { REVIEW_ASSERTION_KEYS } from '../system/in-process-credentials';
import { spawnNodeService } from '../system/service-processes';

const REASON = 'Police record match confirmed';
const text = (bytes: Uint8Array | null | undefined) => new TextDecoder().decode(bytes ?? new Uint8Array());
const payloadOf = (value: unknown) => defaultPayloadConverter.toPayload(value);

describe('the payload codec', () => {
  const old = newKeyEntry('k-old');
  const current = newKeyEntry('k-new');

  it('encrypts with the first key, names it in the metadata, and decrypts to the same payload', async () => {
    const codec = new AesGcmPayloadCodec(parseCodecKeyring(`${current},${old}`));
    const [encrypted] = await codec.encode([payloadOf({ reason: REASON })]);
    assert.ok(encrypted);
    assert.equal(text(encrypted.metadata?.encoding), ENCRYPTED_ENCODING);
    assert.equal(text(encrypted.metadata?.[KEY_ID_METADATA]), 'k-new');
    assert.ok(!Buffer.from(encrypted.data!).toString('latin1').includes('Police'), 'no plaintext in the data');
    assert.ok(!text(encrypted.metadata?.encoding).includes('json'), 'the inner encoding is encrypted too');
    const [decoded] = await codec.decode([encrypted]);
    assert.deepEqual(defaultPayloadConverter.fromPayload(decoded!), { reason: REASON });
    // Two encodings of the same value differ (a fresh IV each time).
    const [again] = await codec.encode([payloadOf({ reason: REASON })]);
    assert.notDeepEqual(Buffer.from(again!.data!), Buffer.from(encrypted.data!));
  });

  it('rotates: a ring with a new key first still decrypts what the old key encrypted', async () => {
    const before = new AesGcmPayloadCodec(parseCodecKeyring(old));
    const after = new AesGcmPayloadCodec(parseCodecKeyring(`${current},${old}`));
    const [byOld] = await before.encode([payloadOf('kept')]);
    assert.equal(defaultPayloadConverter.fromPayload((await after.decode([byOld!]))[0]!), 'kept');
    const [byNew] = await after.encode([payloadOf('new')]);
    assert.equal(text(byNew!.metadata?.[KEY_ID_METADATA]), 'k-new');
    // Once the old key is dropped from the ring, what it encrypted cannot be read.
    const dropped = new AesGcmPayloadCodec(parseCodecKeyring(current));
    await assert.rejects(dropped.decode([byOld!]), /encrypted with key "k-old", which the keyring lacks/);
  });

  it('passes payloads from before the codec through unchanged', async () => {
    const codec = new AesGcmPayloadCodec(parseCodecKeyring(current));
    const plain = payloadOf({ decision: 'approved' });
    assert.equal(isEncrypted(plain), false);
    assert.deepEqual(await codec.decode([plain]), [plain]);
  });

  it('refuses a tampered payload, or one moved under another key ID, without quoting it', async () => {
    const codec = new AesGcmPayloadCodec(parseCodecKeyring(`${current},${old}`));
    const [encrypted] = await codec.encode([payloadOf(REASON)]);
    const flipped = Buffer.from(encrypted!.data!);
    flipped[20] = flipped[20]! ^ 1;
    await assert.rejects(codec.decode([{ ...encrypted!, data: flipped }]), (error: Error) => {
      assert.match(error.message, /failed authentication/);
      assert.ok(!error.message.includes('Police'));
      return true;
    });
    const renamed = { ...encrypted!, metadata: { ...encrypted!.metadata, [KEY_ID_METADATA]: Buffer.from('k-old') } };
    await assert.rejects(codec.decode([renamed]), /failed authentication under key "k-old"/);
  });

  it('moves failure messages and stack traces into an encoded payload, which the codec encrypts', async () => {
    const converter = new DefaultFailureConverter({ encodeCommonAttributes: true });
    const failure = converter.errorToFailure(
      ApplicationFailure.nonRetryable('ComplyCube said: Jane Doe is not a valid name'),
      defaultPayloadConverter,
    );
    assert.equal(failure.message, 'Encoded failure');
    assert.equal(failure.stackTrace, '');
    assert.ok(failure.encodedAttributes);
    assert.match(text(failure.encodedAttributes.data), /Jane Doe/, 'a payload the codec then encrypts');
  });

  it('takes a keyring inline or from a file, and names no key when it refuses one', () => {
    const long = `k1:${Buffer.alloc(40).toString('base64url')}`;
    assert.throws(
      () => loadConfig({ PAYLOAD_CODEC_KEYS: long }),
      (error: Error) => /PAYLOAD_CODEC_KEYS: the key k1 must be exactly 32 bytes/.test(error.message),
    );
    assert.throws(() => loadConfig({ PAYLOAD_CODEC_KEYS: './no-such-keyring' }), /PAYLOAD_CODEC_KEYS: cannot read/);
    const config = loadConfig({ PAYLOAD_CODEC_KEYS: `${current},${old}` });
    assert.equal(config.payloadCodecKeys?.encrypting.id, 'k-new');
    assert.deepEqual([...config.payloadCodecKeys.decrypting.keys()], ['k-new', 'k-old']);
  });

  for (const [entry, env] of [
    ['worker/main.ts', { COMPLYCUBE_API_KEY: 'test_codec_key' }],
    ['api/main.ts', { API_SERVICE_TOKENS: 'backend:service-token-0123456789abcdef', API_PORT: '0' }],
  ] as const) {
    it(`refuses to start ${entry} without a keyring, naming PAYLOAD_CODEC_KEYS`, async () => {
      const service = spawnNodeService(entry, {
        ...env,
        REVIEW_ASSERTION_KEYS,
        PAYLOAD_CODEC_KEYS: '',
        TEMPORAL_ADDRESS: '127.0.0.1:1',
        DATABASE_URL: '',
      });
      const timeout = setTimeout(() => void service.kill(), 60_000);
      await service.exited;
      clearTimeout(timeout);
      assert.equal(service.child.exitCode, 1, service.output());
      assert.match(service.output(), /PAYLOAD_CODEC_KEYS is required/);
    });
  }
});
