import { advisoryLockPrefixes, advisoryLocks } from './advisory-locks';

describe('advisory lock registry', () => {
  it('gives every chore its own key', () => {
    const keys = Object.values(advisoryLocks);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('holds keys JavaScript and PostgreSQL both read exactly', () => {
    for (const [name, key] of Object.entries(advisoryLocks)) {
      expect({ name, safe: Number.isSafeInteger(key) && key > 0 }).toEqual({ name, safe: true });
    }
  });

  it('gives every kind of per-record lock its own prefix', () => {
    const prefixes = Object.values(advisoryLockPrefixes);
    expect(new Set(prefixes).size).toBe(prefixes.length);
  });
});
