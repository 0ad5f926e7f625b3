import { randomBytes } from 'node:crypto';
import { FieldCipher } from './field-cipher';

describe('FieldCipher', () => {
  const cipher = new FieldCipher(randomBytes(32));

  it('round-trips a field under a person key that only the master key unwraps', () => {
    const dataKey = cipher.newDataKey();
    const wrapped = cipher.wrapKey(dataKey, 'p-0001-abcd');
    expect(wrapped.includes(dataKey)).toBe(false);
    const unwrapped = cipher.unwrapKey(wrapped, 'p-0001-abcd');
    const sealed = cipher.encrypt(unwrapped, 'Jeanne Le Goff, 06 12 34 56 78', 'referral:r1:person');
    expect(sealed.toString('utf8')).not.toMatch(/Jeanne/);
    expect(cipher.decrypt(dataKey, sealed, 'referral:r1:person')).toBe('Jeanne Le Goff, 06 12 34 56 78');
  });

  it('never produces the same ciphertext twice (random IV)', () => {
    const key = cipher.newDataKey();
    expect(cipher.encrypt(key, 'x', 'c').equals(cipher.encrypt(key, 'x', 'c'))).toBe(false);
  });

  it('refuses a ciphertext moved to another context, another person key, or tampered with', () => {
    const key = cipher.newDataKey();
    const sealed = cipher.encrypt(key, 'motif', 'referral:r1:reason');
    expect(() => cipher.decrypt(key, sealed, 'referral:r2:reason')).toThrow();
    expect(() => cipher.decrypt(cipher.newDataKey(), sealed, 'referral:r1:reason')).toThrow();
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
    expect(() => cipher.decrypt(key, tampered, 'referral:r1:reason')).toThrow();
    expect(() => cipher.unwrapKey(cipher.wrapKey(key, 'p-aaaa-0001'), 'p-bbbb-0002')).toThrow();
  });

  it('refuses another master key', () => {
    const wrapped = cipher.wrapKey(cipher.newDataKey(), 'p-0001-abcd');
    expect(() => new FieldCipher(randomBytes(32)).unwrapKey(wrapped, 'p-0001-abcd')).toThrow();
    expect(() => new FieldCipher(randomBytes(16))).toThrow(/32 bytes/);
  });
});
