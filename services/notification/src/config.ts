import { loadConfig, serviceConfigSchema, type ConfigOf } from '@relais/platform';

export const notificationConfigSchema = {
  ...serviceConfigSchema,
};

export type NotificationConfig = ConfigOf<typeof notificationConfigSchema>;

export function readConfig(source?: Record<string, string | undefined>): NotificationConfig {
  return loadConfig(notificationConfigSchema, source);
}
