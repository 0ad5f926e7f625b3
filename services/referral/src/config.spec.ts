import { randomBytes } from 'node:crypto';
import { ConfigError } from '@relais/platform';
import { readConfig } from './config';

const base = {
  PORT: '8083',
  DATABASE_URL: 'postgres://relais@127.0.0.1:5432/relais_referral',
  KAFKA_BROKERS: '127.0.0.1:9092',
  OIDC_ISSUER: 'http://127.0.0.1:8080/auth',
  RELAIS_DEPARTMENT: '56',
  RELAIS_ENVIRONMENT: 'development',
};

describe('referral config', () => {
  it('reads the single master key of earlier installs as the ring k1', () => {
    const key = randomBytes(32);
    const config = readConfig({ ...base, REFERRAL_MASTER_KEY: key.toString('base64') });
    expect(config.REFERRAL_MASTER_KEYS.ids).toEqual(['k1']);
    expect(config.REFERRAL_MASTER_KEYS.current.key.equals(key)).toBe(true);
    expect(config.REFERRAL_DEFAULT_ACKNOWLEDGE_BUSINESS_DAYS).toBe(2);
    expect(config.REFERRAL_DEFAULT_FIRST_CONTACT_BUSINESS_DAYS).toBe(10);
    expect(config.REFERRAL_DEFAULT_EXPIRE_AFTER_DAYS).toBe(30);
  });

  it('reads a ring of master keys, the first current, the ring winning over the single key', () => {
    const [k2, k1] = [randomBytes(32), randomBytes(32)];
    const ring = `k2:${k2.toString('base64')},k1:${k1.toString('base64')}`;
    const config = readConfig({ ...base, REFERRAL_MASTER_KEYS: ring, REFERRAL_MASTER_KEY: k1.toString('base64') });
    expect(config.REFERRAL_MASTER_KEYS.ids).toEqual(['k2', 'k1']);
    expect(config.REFERRAL_MASTER_KEYS.current.key.equals(k2)).toBe(true);
  });

  it('stops at boot without a master key, or with one of the wrong size, never printing it', () => {
    expect(() => readConfig(base)).toThrow(/REFERRAL_MASTER_KEYS est obligatoire/);
    const short = randomBytes(16).toString('base64');
    try {
      readConfig({ ...base, REFERRAL_MASTER_KEY: short });
      throw new Error('accepted a short key');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/la clé k1 doit contenir exactement 32 octets.*reçu 16/);
      expect((error as Error).message).not.toContain(short);
    }
  });
});
