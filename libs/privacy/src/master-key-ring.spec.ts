import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '@relais/platform';
import { MasterKeyRing, masterKeyRing, parseMasterKeyRing, withLegacyMasterKey } from './master-key-ring';

const key = () => randomBytes(32).toString('base64');

describe('master key ring', () => {
  it('reads id:base64 pairs, the first being current', () => {
    const [a, b] = [key(), key()];
    const ring = parseMasterKeyRing('X_MASTER_KEYS', ` k2:${a} , k1:${b} `);
    expect(ring.current.id).toBe('k2');
    expect(ring.current.key.equals(Buffer.from(a, 'base64'))).toBe(true);
    expect(ring.key('k1')?.equals(Buffer.from(b, 'base64'))).toBe(true);
    expect(ring.key('k3')).toBeUndefined();
    expect(parseMasterKeyRing('X', ring.serialize()).serialize()).toBe(ring.serialize());
  });

  it('stops the service at boot on a malformed ring, naming the variable and the key id but never a key', () => {
    const short = randomBytes(16).toString('base64');
    const schema = { DIAGNOSTIC_MASTER_KEYS: masterKeyRing() };
    const failure = (raw: string | undefined): string => {
      try {
        loadConfig(schema, { DIAGNOSTIC_MASTER_KEYS: raw });
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    expect(failure(undefined)).toMatch(/DIAGNOSTIC_MASTER_KEYS est obligatoire/);
    const tooShort = failure(`k1:${key()},k2:${short}`);
    expect(tooShort).toMatch(/la clé k2 doit contenir exactement 32 octets.*reçu 16/);
    expect(tooShort).not.toContain(short);
    expect(failure(`k1:${key()},k1:${key()}`)).toMatch(/k1 apparaît deux fois/);
    const noId = key();
    expect(failure(noId)).toMatch(/identifiant:clé-en-base64/);
    expect(failure(noId)).not.toContain(noId);
  });

  it('keeps accepting the single legacy key as k1 when the ring is not configured', () => {
    const legacy = key();
    const source = withLegacyMasterKey({ REFERRAL_MASTER_KEY: legacy }, 'REFERRAL_MASTER_KEYS', 'REFERRAL_MASTER_KEY');
    const ring = loadConfig({ REFERRAL_MASTER_KEYS: masterKeyRing() }, source).REFERRAL_MASTER_KEYS;
    expect(ring.ids).toEqual(['k1']);
    expect(ring.current.key.equals(Buffer.from(legacy, 'base64'))).toBe(true);
    // With both, the ring is authoritative.
    const both = withLegacyMasterKey({ REFERRAL_MASTER_KEY: legacy, REFERRAL_MASTER_KEYS: `k2:${key()},k1:${legacy}` }, 'REFERRAL_MASTER_KEYS', 'REFERRAL_MASTER_KEY');
    expect(parseMasterKeyRing('R', both['REFERRAL_MASTER_KEYS'] ?? '').ids).toEqual(['k2', 'k1']);
  });

  it('adds a new current key in front and retires previous keys, never the current one', () => {
    const ring = MasterKeyRing.single(randomBytes(32));
    const rotated = ring.withNewCurrentKey();
    expect(rotated.ids).toEqual(['k2', 'k1']);
    expect(rotated.withNewCurrentKey().ids).toEqual(['k3', 'k2', 'k1']);
    expect(rotated.without(['k1']).ids).toEqual(['k2']);
    expect(() => rotated.without(['k2'])).toThrow(/current master key k2 cannot be retired/);
  });
});
