import { canonicalJson } from './canonical-json';
import { IDEMPOTENT_REPLAYED_HEADER, idempotencyKeyInFlight, idempotencyKeyOf, idempotencyKeyReused, markReplayed, requestFingerprint } from './idempotency';
import { problemStatus } from './domain-error';

describe('request fingerprint', () => {
  it('ignores key order and undefined members, not values', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe('{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
    expect(requestFingerprint({ a: 1, b: 2 })).toBe(requestFingerprint({ b: 2, a: 1 }));
    expect(requestFingerprint({ a: 1 })).not.toBe(requestFingerprint({ a: 2 }));
  });
});

describe('the one Idempotency-Key rule', () => {
  it('takes 1 to 255 visible ASCII characters, and no key at all', () => {
    expect(idempotencyKeyOf(undefined)).toBeUndefined();
    expect(idempotencyKeyOf('k')).toBe('k');
    expect(idempotencyKeyOf('!'.repeat(255))).toBe('!'.repeat(255));
    for (const bad of ['', 'x'.repeat(256), 'with space', 'clé', 'tab\there']) {
      expect(() => idempotencyKeyOf(bad)).toThrow(expect.objectContaining({ code: 'validation-error' }));
    }
  });

  it('answers a reused key with 422 and a key in flight with 409', () => {
    const reused = idempotencyKeyReused('un nouveau diagnostic');
    expect([reused.code, problemStatus[reused.code]]).toEqual(['idempotency-key-reused', 422]);
    expect(reused.message).toContain('un nouveau diagnostic');
    const inFlight = idempotencyKeyInFlight();
    expect([inFlight.code, problemStatus[inFlight.code]]).toEqual(['conflict', 409]);
  });

  it('marks a replay with Idempotent-Replayed: true', () => {
    const headers = new Map<string, string>();
    markReplayed({ setHeader: (name: string, value: string) => headers.set(name, value) });
    expect([...headers]).toEqual([[IDEMPOTENT_REPLAYED_HEADER, 'true']]);
    expect(IDEMPOTENT_REPLAYED_HEADER).toBe('Idempotent-Replayed');
  });
});
