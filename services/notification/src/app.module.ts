import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule } from '@relais/auth';
import { KafkaReadiness, MessagingModule } from '@relais/messaging';
import { PersistenceModule, PostgresReadiness } from '@relais/persistence';
import { PlatformModule, type ServiceDescription } from '@relais/platform';
import type { NotificationConfig } from './config';
import { WebhooksModule } from './webhooks/webhooks.module';
import { database } from './database';

export const service: ServiceDescription = {
  name: 'notification',
  title: 'Relais — notifications',
  description: "Courriels, SMS et webhooks signés envoyés aux structures et aux intégrations, avec leurs accusés de réception.",
};

@Module({})
export class AppModule {
  static forRoot(config: NotificationConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({
          service: service.name,
          logLevel: config.LOG_LEVEL,
          readiness: [PostgresReadiness, KafkaReadiness],
        }),
        PersistenceModule.forRoot(database(config.DATABASE_URL)),
        MessagingModule.forRoot({ service: service.name, brokers: config.KAFKA_BROKERS, topicPrefix: config.KAFKA_TOPIC_PREFIX }),
        AuthModule.fromConfig(config),
        WebhooksModule,
      ],
    };
  }
}
