/**
 * Review assertions: the API's signed word that a reviewer's authenticated session or token sent
 * one review message (a decision, a claim, a release) for one run, as one Update. The API signs
 * (`signReviewAssertion`); the worker checks (`verifyReviewAssertion`, run as a local activity
 * before the workflow takes the message). A compact JWS, HS256, whose header names the key, so
 * keys rotate: the newest signs, every key in the ring verifies (docs/security.md).
 *
 * Neither a key nor an assertion ever goes into a log line or an error message.
 */
import { createHash } from 'node:crypto';
import { errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { AssertedMessage, AssertionProblem, AssertionVerdict } from '../workflows/onboarding-contract';
import type { ReviewKeyring } from './keyring';

const ISSUER = 'kyc-onboarding-api';
const AUDIENCE = 'kyc-onboarding-workflow';
const TYPE = 'kyc-review+jwt';
/** An assertion is good for one message sent now: the API sends it within milliseconds. */
export const ASSERTION_LIFETIME_S = 300;
/** Clocks of the API and the worker may differ this much. */
const CLOCK_TOLERANCE_S = 30;

/** What the API signs: the message, and the reviewer's roles. */
export type SignedMessage = AssertedMessage & { roles: string[] };

/** The digest that binds a decision's reason to its assertion. */
const reasonDigest = (reason: string | undefined) =>
  reason === undefined ? undefined : createHash('sha256').update(reason, 'utf8').digest('base64url');

/** Signs what the API is about to send, with the ring's newest key. */
export async function signReviewAssertion(keyring: ReviewKeyring, message: SignedMessage): Promise<string> {
  const { id, secret } = keyring.signing;
  const reason = reasonDigest(message.reason);
  return new SignJWT({
    roles: message.roles,
    chn: message.channel,
    wid: message.workflowId,
    act: message.action,
    ...(message.decision ? { dec: message.decision } : {}),
    ...(reason ? { rsn: reason } : {}),
  })
    .setProtectedHeader({ alg: 'HS256', kid: id, typ: TYPE })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(message.reviewer)
    .setJti(message.updateId)
    .setIssuedAt()
    .setExpirationTime(`${ASSERTION_LIFETIME_S}s`)
    .sign(secret);
}

interface ReviewClaims extends JWTPayload {
  roles?: unknown;
  chn?: unknown;
  wid?: unknown;
  act?: unknown;
  dec?: unknown;
  rsn?: unknown;
}

/** The claims must say exactly what the message says: a valid assertion for another message is no proof. */
function matches(claims: ReviewClaims, message: AssertedMessage): boolean {
  return (
    claims.sub === message.reviewer &&
    claims.chn === message.channel &&
    claims.wid === message.workflowId &&
    claims.act === message.action &&
    claims.jti === message.updateId &&
    claims.dec === message.decision &&
    claims.rsn === reasonDigest(message.reason) &&
    Array.isArray(claims.roles) &&
    claims.roles.every((role) => typeof role === 'string')
  );
}

/** Whether `assertion` is the API's, unexpired, and for exactly this message. Never throws for a bad one. */
export async function verifyReviewAssertion(
  keyring: ReviewKeyring | undefined,
  assertion: string,
  message: AssertedMessage,
): Promise<AssertionVerdict> {
  if (!keyring) return { verified: false, problem: 'no_keys' };
  try {
    const { payload } = await jwtVerify<ReviewClaims>(
      assertion,
      (header) => {
        const key = header.kid === undefined ? undefined : keyring.verifying.get(header.kid);
        if (!key) throw new UnknownKey();
        return key;
      },
      { algorithms: ['HS256'], issuer: ISSUER, audience: AUDIENCE, typ: TYPE, clockTolerance: CLOCK_TOLERANCE_S },
    );
    if (!matches(payload, message)) return { verified: false, problem: 'mismatch' };
    return { verified: true, reviewer: payload.sub!, roles: payload.roles as string[] };
  } catch (error) {
    return { verified: false, problem: problemOf(error) };
  }
}

class UnknownKey extends Error {}

function problemOf(error: unknown): AssertionProblem {
  if (error instanceof UnknownKey) return 'unknown_key';
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad_signature';
  return 'malformed';
}
