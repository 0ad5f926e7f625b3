import { loadConfig, serviceConfigSchema, type ConfigOf } from '@relais/platform';

export const reportingConfigSchema = {
  ...serviceConfigSchema,
};

export type ReportingConfig = ConfigOf<typeof reportingConfigSchema>;

export function readConfig(source?: Record<string, string | undefined>): ReportingConfig {
  return loadConfig(reportingConfigSchema, source);
}
