import { env, loadConfig, serviceConfigSchema, type ConfigOf } from '@relais/platform';

/**
 * REFERRAL_MASTER_KEY wraps every person's data key (crypto-shredding: erasing a person deletes their
 * key). 32 random bytes in base64, e.g. `openssl rand -base64 32`. Its value never appears in an error.
 */
function masterKey(name: string, raw: string | undefined): Buffer {
  if (raw === undefined || raw.trim() === '') throw new Error(`${name} est obligatoire mais absente (32 octets en base64, ex. openssl rand -base64 32)`);
  const value = raw.trim();
  const key = /^[A-Za-z0-9+/]+={0,2}$/.test(value) ? Buffer.from(value, 'base64') : Buffer.alloc(0);
  if (key.length !== 32) throw new Error(`${name} doit contenir exactement 32 octets encodés en base64 (reçu ${key.length} octets)`);
  return key;
}

export const referralConfigSchema = {
  ...serviceConfigSchema,
  REFERRAL_MASTER_KEY: masterKey,
  /** How often the SLA sweeper looks for due reminders and expiries; 0 turns the timer off (tests sweep by hand). */
  REFERRAL_SLA_SWEEP_INTERVAL_MS: env.int({ default: 30_000, min: 0 }),
  /** Defaults for a referral whose réseau local is unknown or sets no delays of its own. */
  REFERRAL_DEFAULT_ACKNOWLEDGE_BUSINESS_DAYS: env.int({ default: 2, min: 1 }),
  REFERRAL_DEFAULT_FIRST_CONTACT_BUSINESS_DAYS: env.int({ default: 10, min: 1 }),
  REFERRAL_DEFAULT_EXPIRE_AFTER_DAYS: env.int({ default: 30, min: 1 }),
  /** How long an Idempotency-Key is remembered. */
  REFERRAL_IDEMPOTENCY_TTL_HOURS: env.int({ default: 24, min: 1 }),
};

export type ReferralConfig = ConfigOf<typeof referralConfigSchema>;

export function readConfig(source?: Record<string, string | undefined>): ReferralConfig {
  return loadConfig(referralConfigSchema, source);
}
