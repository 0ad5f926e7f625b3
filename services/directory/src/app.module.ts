import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule } from '@relais/auth';
import { kafkaSettings, KafkaReadiness, MessagingModule } from '@relais/messaging';
import { PersistenceModule, PostgresReadiness } from '@relais/persistence';
import { PlatformModule, type ServiceDescription } from '@relais/platform';
import { directoryOptions, type DirectoryConfig } from './config';
import { database } from './database';
import { DirectoryModule } from './directory.module';

export const service: ServiceDescription = {
  name: 'directory',
  title: 'Relais — annuaire',
  description: "Qui fait quoi, où, quand, et avec quelle capacité : structures, services (offres) et leurs rôles, lieux, horaires, réseaux locaux.",
};

@Module({})
export class AppModule {
  static forRoot(config: DirectoryConfig, { scheduler = true }: { scheduler?: boolean } = {}): DynamicModule {
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
        DirectoryModule.forRoot(directoryOptions(config), { scheduler }),
      ],
    };
  }
}
