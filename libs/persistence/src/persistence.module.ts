import { Module, type DynamicModule } from '@nestjs/common';
import { ClsPluginTransactional } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { ClsModule } from 'nestjs-cls';
import { DataSource } from 'typeorm';
import { AppendOnlyTablesNotSealed } from './append-only';
import { dataSourceOptions, type ServiceDatabase } from './data-source-options';
import { migrateExclusively } from './migration-lock';
import { JOB_LOCKS, PeriodicJobs, PostgresJobLocks } from './periodic-jobs';
import { PostgresReadiness } from './postgres.readiness';

/**
 * The service's database, with pending migrations applied at start then its append-only tables sealed
 * (before anything is served; under an advisory lock, so processes starting together take turns), and
 * ambient transactions:
 * a method marked @Transactional() runs every repository call made through TransactionHost in one
 * transaction, without a manager passed from call to call. Also the service's periodic jobs, each run
 * under an advisory lock of this database (periodic-jobs.ts).
 */
@Module({})
export class PersistenceModule {
  static forRoot(database: ServiceDatabase): DynamicModule {
    return {
      module: PersistenceModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...dataSourceOptions(database),
            // Retrying cannot provision the database; connection errors are still retried as before.
            toRetry: (error: unknown) => !(error instanceof AppendOnlyTablesNotSealed),
          }),
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options ?? dataSourceOptions(database)).initialize();
            try {
              await migrateExclusively(dataSource, database.appendOnlyTables ?? []);
            } catch (error) {
              await dataSource.destroy();
              throw error;
            }
            return dataSource;
          },
        }),
        ClsModule.forRoot({
          global: true,
          plugins: [
            new ClsPluginTransactional({
              imports: [TypeOrmModule],
              adapter: new TransactionalAdapterTypeOrm({ dataSourceToken: getDataSourceToken() }),
            }),
          ],
        }),
      ],
      providers: [PostgresReadiness, { provide: JOB_LOCKS, useClass: PostgresJobLocks }, PeriodicJobs],
      exports: [PostgresReadiness, PeriodicJobs],
    };
  }
}
