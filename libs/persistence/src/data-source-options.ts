import type { DataSourceOptions, MixedList } from 'typeorm';

type PostgresConnectionOptions = Extract<DataSourceOptions, { type: 'postgres' }>;

export interface ServiceDatabase {
  /** URL of the service's own database (one database per service, no shared tables). */
  url: string;
  /** Entity classes, listed explicitly: no globs, so sources and compiled code behave the same. */
  entities: MixedList<Function>;
  /** Migration classes in order; the schema changes only through them. */
  migrations: MixedList<Function>;
  poolSize?: number;
  applicationName?: string;
}

export function dataSourceOptions(database: ServiceDatabase): PostgresConnectionOptions {
  return {
    type: 'postgres',
    url: database.url,
    entities: database.entities,
    migrations: database.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: ['error', 'warn', 'migration'],
    applicationName: database.applicationName,
    extra: { max: database.poolSize ?? 10 },
  };
}
