import { Module, type DynamicModule } from '@nestjs/common';
import { ClsPluginTransactional } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { ClsModule } from 'nestjs-cls';
import { dataSourceOptions, type ServiceDatabase } from './data-source-options';
import { PostgresReadiness } from './postgres.readiness';

/**
 * The service's database, with pending migrations applied at start, and ambient transactions:
 * a method marked @Transactional() runs every repository call made through TransactionHost in one
 * transaction, without a manager passed from call to call.
 */
@Module({})
export class PersistenceModule {
  static forRoot(database: ServiceDatabase): DynamicModule {
    return {
      module: PersistenceModule,
      global: true,
      imports: [
        TypeOrmModule.forRoot({ ...dataSourceOptions(database), migrationsRun: true }),
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
      providers: [PostgresReadiness],
      exports: [PostgresReadiness],
    };
  }
}
