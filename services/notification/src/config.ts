import { env, type ConfigOf } from '@relais/platform';
import { serviceConfig } from '@relais/service-kit';

export const { schema: notificationConfigSchema, read: readConfig } = serviceConfig({
  /**
   * How many webhook subscriptions one structure may hold. Each one is a target the deliverer calls for
   * every matching event: an unbounded number would let one account multiply outgoing traffic.
   */
  WEBHOOK_MAX_SUBSCRIPTIONS_PER_STRUCTURE: env.int({ default: 10, min: 1, max: 1000 }),
});

export type NotificationConfig = ConfigOf<typeof notificationConfigSchema>;
