import { env, type ConfigOf } from '@relais/platform';
import { masterKeyRing } from '@relais/privacy';
import { serviceConfig } from '@relais/service-kit';

export const { schema: diagnosticConfigSchema, read: readConfig } = serviceConfig({
  /**
   * The master keys that wrap each person's data key (answers and results are sealed under it; erasing
   * the person deletes it): `id:base64,…`, the first current, the others accepted for reading until
   * `keys:rotate` has re-wrapped what they wrapped. Each key is 32 random bytes (`openssl rand -base64 32`).
   */
  DIAGNOSTIC_MASTER_KEYS: masterKeyRing(),
  /**
   * How long an assessment for a person the caller's structure is not linked to yet waits for the link
   * (the referral service registers the person a moment before and tells this service through Kafka).
   */
  DIAGNOSTIC_LINK_WAIT_MS: env.int({ default: 2_000, min: 0, max: 10_000 }),
});

export type DiagnosticConfig = ConfigOf<typeof diagnosticConfigSchema>;
