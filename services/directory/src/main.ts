import { migrate } from '@relais/persistence';
import { runService } from '@relais/platform';
import { AppModule, service } from './app.module';
import { directoryCommands } from './cli/commands';
import { readConfig } from './config';
import { database } from './database';

void runService(service, () => readConfig(), {
  module: (config) => AppModule.forRoot(config),
  migrate: (config, direction) => migrate(database(config.DATABASE_URL), direction),
  commands: directoryCommands,
});
