import { defineService } from '@relais/service-kit';
import { directoryOptions, readConfig, type DirectoryConfig } from './config';
import { database } from './database';
import { DirectoryModule } from './directory.module';

export interface DirectoryModuleOptions {
  /** Whether the periodic freshness work runs (in a process that runs workers); tests and commands turn it off. */
  scheduler?: boolean;
}

export const directory = defineService<DirectoryConfig, DirectoryModuleOptions>({
  service: {
    name: 'directory',
    title: 'Relais — annuaire',
    description: "Qui fait quoi, où, quand, et avec quelle capacité : structures, services (offres) et leurs rôles, lieux, horaires, réseaux locaux.",
  },
  readConfig,
  database: (config) => database(config.DATABASE_URL),
  features: (config, { scheduler = true }) => ({
    imports: [DirectoryModule.forRoot(directoryOptions(config), { scheduler })],
  }),
});

export const { service, AppModule } = directory;
