import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header ComplyCube signs each webhook delivery with. */
export const SIGNATURE_HEADER = 'complycube-signature';

/** Lowercase hex HMAC-SHA256 of the raw body, keyed with the webhook's secret. */
export function signWebhookBody(rawBody: string | Buffer, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

/**
 * Whether `signature` is ComplyCube's signature of `rawBody` under `secret`. The comparison
 * takes constant time; a missing or malformed signature is simply not valid.
 */
export function isValidWebhookSignature(
  rawBody: string | Buffer,
  signature: string | undefined,
  secret: string,
): boolean {
  if (!signature || !/^[0-9a-fA-F]{64}$/.test(signature)) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return timingSafeEqual(Buffer.from(signature, 'hex'), expected);
}
