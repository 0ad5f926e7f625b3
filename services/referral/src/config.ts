import { env, type ConfigOf } from '@relais/platform';
import { parseVerifyKeys } from '@relais/auth';
import { masterKeyRing, withLegacyMasterKey } from '@relais/privacy';
import { serviceConfig } from '@relais/service-kit';

export const { schema: referralConfigSchema, read: readConfig } = serviceConfig(
  {
    /**
     * The master keys that wrap every person's data key (crypto-shredding: erasing a person deletes their
     * key): `id:base64,…`, the first current, the others read until `keys:rotate` has re-wrapped what they
     * wrapped. Each is 32 random bytes (`openssl rand -base64 32`); no value ever appears in an error.
     * The single REFERRAL_MASTER_KEY of earlier installs is still read, as `k1`, when this is absent.
     */
    REFERRAL_MASTER_KEYS: masterKeyRing(),
    /** How often the SLA sweeper looks for due reminders and expiries; 0 turns the timer off (tests sweep by hand). */
    REFERRAL_SLA_SWEEP_INTERVAL_MS: env.int({ default: 30_000, min: 0 }),
    /** Defaults for a referral whose réseau local is unknown or sets no delays of its own. */
    REFERRAL_DEFAULT_ACKNOWLEDGE_BUSINESS_DAYS: env.int({ default: 2, min: 1 }),
    REFERRAL_DEFAULT_FIRST_CONTACT_BUSINESS_DAYS: env.int({ default: 10, min: 1 }),
    REFERRAL_DEFAULT_EXPIRE_AFTER_DAYS: env.int({ default: 30, min: 1 }),
    /**
     * The public keys that action links are checked with (`kid:base64 SPKI`, Ed25519, comma-separated during
     * a rotation); the notification service signs with the private half. Absent: action links are refused.
     */
    ACTION_LINK_VERIFY_KEYS: (name: string, raw: string | undefined): string | undefined => {
      if (raw === undefined || raw.trim() === '') return undefined;
      try {
        parseVerifyKeys(raw);
      } catch (error) {
        throw new Error(`${name} : ${error instanceof Error ? error.message : 'illisible'}`);
      }
      return raw.trim();
    },
    /** How long an Idempotency-Key is remembered. */
    REFERRAL_IDEMPOTENCY_TTL_HOURS: env.int({ default: 24, min: 1 }),
  },
  (source) => withLegacyMasterKey(source, 'REFERRAL_MASTER_KEYS', 'REFERRAL_MASTER_KEY'),
);

export type ReferralConfig = ConfigOf<typeof referralConfigSchema>;
