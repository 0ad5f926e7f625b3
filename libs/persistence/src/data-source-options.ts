import type { DataSourceOptions, MixedList } from 'typeorm';

type PostgresConnectionOptions = Extract<DataSourceOptions, { type: 'postgres' }>;

export interface ServiceDatabase {
  /** URL of the service's own database (one database per service, no shared tables). */
  url: string;
  /** Entity classes, listed explicitly: no globs, so sources and compiled code behave the same. */
  entities: MixedList<Function>;
  /** Migration classes in order; the schema changes only through them. */
  migrations: MixedList<Function>;
  /**
   * Tables the service may only INSERT into and SELECT from (its audit log): sealed right after the
   * migrations, after which no role the service holds can update, delete, truncate, alter or drop them.
   * Declared here once per service; a table its migrations have not created yet is allowed.
   */
  appendOnlyTables?: readonly string[];
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
