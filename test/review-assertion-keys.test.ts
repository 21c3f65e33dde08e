/**
 * The review-assertion keyring and its signatures, without Temporal: keys rotate (the newest signs,
 * every key verifies), and an assertion is refused when its key is unknown, it has expired, it was
 * tampered with, or it says something else than the message it came with.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SignJWT, decodeProtectedHeader } from 'jose';
import { newKeyEntry, parseKeyring } from '../security/keyring';
import { signReviewAssertion, verifyReviewAssertion } from '../security/review-assertions';
import type { AssertedMessage } from '../workflows/onboarding-contract';

const message: AssertedMessage = {
  workflowId: 'onboarding-5f0c6b3a1d2e4f5a6b7c8d9e',
  action: 'decide',
  reviewer: 'reviewer-alice',
  channel: 'console',
  updateId: 'a9f5e1f2-2f5b-4f0c-9d7e-2c3b4a5d6e7f',
  decision: 'approve',
  reason: 'documents match',
};
const sign = (ring: ReturnType<typeof parseKeyring>) => signReviewAssertion(ring, { ...message, roles: ['reviewer'] });

describe('review-assertion keys', () => {
  const old = newKeyEntry('old');
  const fresh = newKeyEntry('new');

  it('parses a ring whose first key signs and every key verifies, and says what is wrong, naming no secret', () => {
    const ring = parseKeyring(`${fresh}, ${old}`);
    assert.equal(ring.signing.id, 'new');
    assert.deepEqual([...ring.verifying.keys()], ['new', 'old']);
    const secret = old.split(':')[1]!;
    for (const [value, problem] of [
      ['', /no keys/],
      [`:${secret}`, /entry 1 must be/],
      [`bad id:${secret}`, /entry 1 must be/],
      ['short:c2hvcnQ', /at least 32 bytes/],
      [`${old},${old}`, /distinct/],
    ] as const) {
      assert.throws(
        () => parseKeyring(value),
        (error: Error) => problem.test(error.message) && !error.message.includes(secret),
      );
    }
  });

  it('verifies across a rotation: signed by the old key, checked by a ring with the new one first', async () => {
    const assertion = await sign(parseKeyring(old));
    assert.equal(decodeProtectedHeader(assertion).kid, 'old');
    const verdict = await verifyReviewAssertion(parseKeyring(`${fresh},${old}`), assertion, message);
    assert.deepEqual(verdict, { verified: true, reviewer: 'reviewer-alice', roles: ['reviewer'] });
    // Once the old key is dropped from the ring, what it signed no longer holds.
    assert.deepEqual(await verifyReviewAssertion(parseKeyring(fresh), assertion, message), {
      verified: false,
      problem: 'unknown_key',
    });
  });

  it('refuses no keys, a bad signature, an expired or tampered assertion, and one for another message', async () => {
    const ring = parseKeyring(fresh);
    const good = await sign(ring);
    const refused = async (assertion: string, problem: string, against: AssertedMessage = message) =>
      assert.deepEqual(await verifyReviewAssertion(ring, assertion, against), { verified: false, problem });
    assert.deepEqual(await verifyReviewAssertion(undefined, good, message), { verified: false, problem: 'no_keys' });
    await refused(await sign(parseKeyring(newKeyEntry('new'))), 'bad_signature');
    const [header, payload, signature] = good.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const tampered = Buffer.from(JSON.stringify({ ...claims, roles: ['senior_reviewer'] })).toString('base64url');
    await refused(`${header}.${tampered}.${signature}`, 'bad_signature');
    await refused('not.a.jws', 'malformed');
    const expired = await new SignJWT({ ...claims, exp: Math.floor(Date.now() / 1000) - 120 })
      .setProtectedHeader({ alg: 'HS256', kid: 'new', typ: 'kyc-review+jwt' })
      .sign(ring.signing.secret);
    await refused(expired, 'expired');
    for (const change of [
      { reviewer: 'reviewer-bob' },
      { decision: 'reject' as const },
      { reason: 'documents match ' },
      { updateId: 'another' },
      { workflowId: 'onboarding-000000000000000000000000' },
      { action: 'claim' as const },
      { channel: 'api' as const },
    ]) {
      await refused(good, 'mismatch', { ...message, ...change });
    }
  });
});
