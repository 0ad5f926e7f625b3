import { loadConfig, serviceConfigSchema, type ConfigOf } from '@relais/platform';

export const referralConfigSchema = {
  ...serviceConfigSchema,
};

export type ReferralConfig = ConfigOf<typeof referralConfigSchema>;

export function readConfig(source?: Record<string, string | undefined>): ReferralConfig {
  return loadConfig(referralConfigSchema, source);
}
