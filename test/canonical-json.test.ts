/** The ledger's canonical form and hash rule, pinned by vectors written out by hand. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { canonicalJson, CanonicalJsonError } from '../store/canonical-json';
import { GENESIS_HASH, ledgerEntryHash } from '../store/ledger-hash';

describe('canonical JSON', () => {
  it('sorts keys by UTF-16 code units, as RFC 8785 does (a surrogate pair before U+FB33)', () => {
    const value = { '\u20ac': 1, '\r': 2, '\ufb33': 3, '1': 4, '\ud83d\ude00': 5, '\u0080': 6, '\u00f6': 7 };
    assert.equal(canonicalJson(value), '{"\\r":2,"1":4,"\u0080":6,"\u00f6":7,"\u20ac":1,"\ud83d\ude00":5,"\ufb33":3}');
  });

  it('writes no whitespace, nests, keeps nulls and array order, leaves undefined properties out', () => {
    assert.equal(
      canonicalJson({ b: [3, 1, { z: null, a: 'x' }], a: { d: true, c: false }, u: undefined, n: -0 }),
      '{"a":{"c":false,"d":true},"b":[3,1,{"a":"x","z":null}],"n":0}',
    );
  });

  it('escapes strings as JSON.stringify does', () => {
    assert.equal(canonicalJson('a"b\\c\n\u0001\u2028é'), '"a\\"b\\\\c\\n\\u0001\u2028é"');
  });

  for (const [name, value] of [
    ['a fraction', { a: 1.5 }],
    ['NaN', [Number.NaN]],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['an unsafe integer', 2 ** 53],
    ['undefined in an array', [undefined]],
    ['a Date', { at: new Date(0) }],
    ['a function', { f: () => 1 }],
  ] as const) {
    it(`refuses ${name}`, () => {
      assert.throws(() => canonicalJson(value), CanonicalJsonError);
    });
  }
});

describe('ledger entry hash', () => {
  it('is the SHA-256 of the canonical JSON of the entry and its predecessor hash, nulls included', () => {
    const entry = {
      seq: 1,
      entryId: 'review_action:run-1:1',
      onboardingId: 'onb-1',
      runId: null,
      kind: 'claim' as const,
      actor: 'alice',
      channel: 'console',
      at: '2026-01-01T00:00:00Z',
      body: { reason: null, b: 1 },
      prevHash: GENESIS_HASH,
    };
    const expected =
      '{"actor":"alice","at":"2026-01-01T00:00:00.000Z","body":{"b":1,"reason":null},"channel":"console",' +
      '"entryId":"review_action:run-1:1","kind":"claim","onboardingId":"onb-1",' +
      `"prevHash":"${'0'.repeat(64)}","runId":null,"seq":1}`;
    assert.equal(ledgerEntryHash(entry), createHash('sha256').update(expected).digest('hex'));
    assert.notEqual(ledgerEntryHash({ ...entry, seq: 2 }), ledgerEntryHash(entry));
  });
});
