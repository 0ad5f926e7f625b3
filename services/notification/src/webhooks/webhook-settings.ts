import type { NotificationConfig } from '../config';
import type { InstanceEnvironment } from './webhook-address-policy';

/** What the webhook feature takes from the service's config, read once at boot. */
export interface WebhookSettings {
  environment: InstanceEnvironment;
  maxSubscriptionsPerStructure: number;
}

export const WEBHOOK_SETTINGS = Symbol('WEBHOOK_SETTINGS');

export function webhookSettings(config: NotificationConfig): WebhookSettings {
  return { environment: config.RELAIS_ENVIRONMENT, maxSubscriptionsPerStructure: config.WEBHOOK_MAX_SUBSCRIPTIONS_PER_STRUCTURE };
}
