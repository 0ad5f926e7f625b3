import { migrate } from '@relais/persistence';
import { runService } from '@relais/platform';
import { FieldCipher } from '@relais/privacy';
import { AppModule, service } from './app.module';
import { readConfig } from './config';
import { database } from './database';

void runService(service, () => readConfig(), {
  module: (config) => AppModule.forRoot(config),
  migrate: (config, direction) => migrate(database(config.DATABASE_URL, new FieldCipher(config.DIAGNOSTIC_MASTER_KEYS)), direction),
});
