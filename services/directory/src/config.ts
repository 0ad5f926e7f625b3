import { loadConfig, serviceConfigSchema, type ConfigOf } from '@relais/platform';

export const directoryConfigSchema = {
  ...serviceConfigSchema,
};

export type DirectoryConfig = ConfigOf<typeof directoryConfigSchema>;

export function readConfig(source?: Record<string, string | undefined>): DirectoryConfig {
  return loadConfig(directoryConfigSchema, source);
}
