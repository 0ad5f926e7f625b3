import { createCipheriv, randomBytes } from 'node:crypto';
import { FieldCipher, wrappedKeyId } from './field-cipher';
import { MasterKeyRing } from './master-key-ring';

/** A person key as the referral service wrapped it before key ids existed (format 1, one master key). */
function legacyWrap(masterKey: Buffer, dataKey: Buffer, personRef: string): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', masterKey, iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(`person-key:${personRef}`, 'utf8'));
  const body = Buffer.concat([cipher.update(dataKey), cipher.final()]);
  return Buffer.concat([Buffer.from([1]), iv, cipher.getAuthTag(), body]);
}

describe('FieldCipher', () => {
  const cipher = new FieldCipher(MasterKeyRing.single(randomBytes(32)));

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

  it('refuses another master key under the same id', () => {
    const wrapped = cipher.wrapKey(cipher.newDataKey(), 'p-0001-abcd');
    expect(() => new FieldCipher(MasterKeyRing.single(randomBytes(32))).unwrapKey(wrapped, 'p-0001-abcd')).toThrow();
  });
});

describe('FieldCipher with a ring of master keys', () => {
  const k1 = randomBytes(32);
  const k2 = randomBytes(32);
  const before = new FieldCipher(new MasterKeyRing([{ id: 'k1', key: k1 }]));
  const during = new FieldCipher(new MasterKeyRing([{ id: 'k2', key: k2 }, { id: 'k1', key: k1 }]));
  const after = new FieldCipher(new MasterKeyRing([{ id: 'k2', key: k2 }]));

  it('wraps under the current key and names it in the wrapped key', () => {
    expect(wrappedKeyId(before.wrapKey(before.newDataKey(), 'p-x'))).toBe('k1');
    expect(wrappedKeyId(during.wrapKey(during.newDataKey(), 'p-x'))).toBe('k2');
  });

  it('reads keys wrapped under any key of the ring, and re-wraps them under the current one', () => {
    const dataKey = before.newDataKey();
    const old = before.wrapKey(dataKey, 'p-rotate-1');
    expect(during.unwrapKey(old, 'p-rotate-1').equals(dataKey)).toBe(true);
    expect(during.isCurrent(old)).toBe(false);
    const rewrapped = during.rewrap(old, 'p-rotate-1');
    expect(during.isCurrent(rewrapped)).toBe(true);
    // Once re-wrapped, the previous key can leave the ring: the data key is the same, so sealed fields still open.
    expect(after.unwrapKey(rewrapped, 'p-rotate-1').equals(dataKey)).toBe(true);
    expect(() => after.unwrapKey(old, 'p-rotate-1')).toThrow(/master key k1, which is not in the ring/);
  });

  it('reads person keys wrapped before key ids existed as wrapped by k1', () => {
    const dataKey = randomBytes(32);
    const legacy = legacyWrap(k1, dataKey, 'p-legacy-1');
    expect(wrappedKeyId(legacy)).toBe('k1');
    expect(during.unwrapKey(legacy, 'p-legacy-1').equals(dataKey)).toBe(true);
    expect(wrappedKeyId(during.rewrap(legacy, 'p-legacy-1'))).toBe('k2');
    expect(() => during.unwrapKey(legacy, 'p-legacy-2')).toThrow();
  });

  it('refuses a wrapped key whose key id was changed to another key of the ring', () => {
    const wrapped = during.wrapKey(during.newDataKey(), 'p-forged');
    const forged = Buffer.from(wrapped);
    forged.write('k1', 2, 'ascii');
    expect(wrappedKeyId(forged)).toBe('k1');
    expect(() => during.unwrapKey(forged, 'p-forged')).toThrow();
  });
});
