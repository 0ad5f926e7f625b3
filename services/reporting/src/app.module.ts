import { defineService } from '@relais/service-kit';
import { ActivityModule } from './activity/activity.module';
import { readConfig, type ReportingConfig } from './config';
import { ReportingModule } from './indicators/reporting.module';
import { database } from './database';

export const reporting = defineService<ReportingConfig>({
  service: {
    name: 'reporting',
    title: 'Relais — pilotage',
    description: "Indicateurs, entonnoirs, délais et couverture territoriale par réseau local, exports et données ouvertes.",
  },
  readConfig,
  database: (config) => database(config.DATABASE_URL),
  features: (config, options) => ({ imports: [ActivityModule, ReportingModule.forRoot(config, options.clock)] }),
});

export const { service, AppModule } = reporting;
