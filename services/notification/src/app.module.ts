import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule } from '@relais/auth';
import { kafkaSettings, KafkaReadiness, MessagingModule } from '@relais/messaging';
import { PersistenceModule, PostgresReadiness } from '@relais/persistence';
import { PlatformModule, type ServiceDescription } from '@relais/platform';
import type { NotificationConfig } from './config';
import type { WebhookSettings } from './webhooks/webhook-settings';
import { WebhooksModule } from './webhooks/webhooks.module';
import { database } from './database';

export const service: ServiceDescription = {
  name: 'notification',
  title: 'Relais — notifications',
  description: "Courriels, SMS et webhooks signés envoyés aux structures et aux intégrations, avec leurs accusés de réception.",
};

export interface NotificationModuleOptions {
  /**
   * Replaces what the config says of webhooks. Tests use it to apply a production instance's webhook
   * rules while the test run's identity provider, over plain http, needs a development instance.
   */
  webhooks?: Partial<WebhookSettings>;
}

@Module({})
export class AppModule {
  static forRoot(config: NotificationConfig, options: NotificationModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          service: service.name,
          logLevel: config.LOG_LEVEL,
          readiness: [PostgresReadiness, KafkaReadiness],
        }),
        PersistenceModule.forRoot(database(config.DATABASE_URL)),
        MessagingModule.forRoot({ service: service.name, ...kafkaSettings(config) }),
        AuthModule.fromConfig(config),
        WebhooksModule.forRoot(config, options.webhooks),
      ],
    };
  }
}
