/**
 * Canonical JSON, the form the ledger hashes and signs: the JSON Canonicalization Scheme
 * (RFC 8785) restricted to integers. Object keys sorted by UTF-16 code units, no whitespace,
 * strings escaped as `JSON.stringify` escapes them, which is what RFC 8785 prescribes.
 *
 * Only integers (safe ones: a larger number would not read back the same in JavaScript) are
 * allowed: RFC 8785's rule for other numbers is intricate, and nothing on the ledger needs one.
 * Object properties whose value is `undefined` are left out, as JSON leaves them; anything that
 * is not JSON (undefined in an array, a function, a Date, a Map…) is refused, not coerced.
 */

export class CanonicalJsonError extends Error {
  override name = 'CanonicalJsonError';
}

export function canonicalJson(value: unknown): string {
  return write(value, '$');
}

function write(value: unknown, at: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isSafeInteger(value)) throw new CanonicalJsonError(`${at}: ${value} is not a safe integer`);
      return String(value === 0 ? 0 : value);
    case 'object':
      break;
    default:
      throw new CanonicalJsonError(`${at}: a ${typeof value} is not JSON`);
  }
  if (Array.isArray(value)) {
    return `[${value.map((item, index) => write(item, `${at}[${index}]`)).join(',')}]`;
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) {
    throw new CanonicalJsonError(`${at}: only plain objects and arrays are JSON`);
  }
  const record = value as Record<string, unknown>;
  // The default sort compares UTF-16 code units, as RFC 8785 requires.
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${write(record[key], `${at}.${key}`)}`).join(',')}}`;
}
