import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule } from '@relais/auth';
import { kafkaSettings, KafkaReadiness, MessagingModule } from '@relais/messaging';
import { PersistenceModule, PostgresReadiness } from '@relais/persistence';
import { PlatformModule, type ServiceDescription } from '@relais/platform';
import { ActivityModule } from './activity/activity.module';
import type { ReportingConfig } from './config';
import { database } from './database';

export const service: ServiceDescription = {
  name: 'reporting',
  title: 'Relais — pilotage',
  description: "Indicateurs, entonnoirs, délais et couverture territoriale par réseau local, exports et données ouvertes.",
};

@Module({})
export class AppModule {
  static forRoot(config: ReportingConfig): DynamicModule {
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
        ActivityModule,
      ],
    };
  }
}
