import { defineService } from '@relais/service-kit';
import { readConfig, type NotificationConfig } from './config';
import { database } from './database';
import { MessagesModule } from './messages/messages.module';
import { webhookSettings, type WebhookSettings } from './webhooks/webhook-settings';
import { WebhooksModule } from './webhooks/webhooks.module';

export interface NotificationModuleOptions {
  /**
   * Replaces what the config says of webhooks. Tests use it to apply a production instance's webhook
   * rules while the test run's identity provider, over plain http, needs a development instance.
   */
  webhooks?: Partial<WebhookSettings>;
}

export const notification = defineService<NotificationConfig, NotificationModuleOptions>({
  service: {
    name: 'notification',
    title: 'Relais — notifications',
    description: "Courriels, SMS et webhooks signés envoyés aux structures et aux intégrations, avec leurs accusés de réception.",
  },
  readConfig,
  database: (config) => database(config.DATABASE_URL),
  features: (config, options, process) => ({
    imports: [
      WebhooksModule.forRoot(config, options.webhooks, { workers: process.runsWorkers }),
      // Webhooks are a channel of the one sending loop: it needs their rules too.
      MessagesModule.forRoot(config, { sender: process.runsWorkers, webhooks: { ...webhookSettings(config), ...options.webhooks } }),
    ],
  }),
});

export const { service, AppModule } = notification;
