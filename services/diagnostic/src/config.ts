import { loadConfig, serviceConfigSchema, type ConfigOf } from '@relais/platform';

export const diagnosticConfigSchema = {
  ...serviceConfigSchema,
};

export type DiagnosticConfig = ConfigOf<typeof diagnosticConfigSchema>;

export function readConfig(source?: Record<string, string | undefined>): DiagnosticConfig {
  return loadConfig(diagnosticConfigSchema, source);
}
