/**
 * The keyrings in configuration: the review-assertion keys (`security/keyring.ts`) and the
 * payload codec's (`security/payload-codec.ts`). An error names the variable and the entry or
 * key ID at fault, never a secret.
 */
import { readFileSync } from 'node:fs';
import { parseKeyring, type ReviewKeyring } from '../security/keyring';
import { parseCodecKeyring, type CodecKeyring } from '../security/payload-codec';
import { ConfigError } from './errors';

/**
 * `parse(value)`, or undefined when unset. With `files`, a value starting with `/` or `.` is the
 * path of a file holding the keyring.
 */
function keyringSetting<T>(
  name: string,
  value: string | undefined,
  parse: (ring: string) => T,
  options: { files: boolean },
): T | undefined {
  if (value === undefined) return undefined;
  try {
    return parse(options.files && /^[/.]/.test(value) ? readFileSync(value, 'utf8').trim() : value);
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ? `cannot read ${value}` : (error as Error).message;
    throw new ConfigError(`invalid configuration: ${name}: ${why}`);
  }
}

export const reviewKeyring = (value: string | undefined): ReviewKeyring | undefined =>
  keyringSetting('REVIEW_ASSERTION_KEYS', value, parseKeyring, { files: false });

export const payloadCodecKeyring = (value: string | undefined): CodecKeyring | undefined =>
  keyringSetting('PAYLOAD_CODEC_KEYS', value, parseCodecKeyring, { files: true });
