export { AppendOnlyTablesNotSealed, sealAppendOnlyTables } from './append-only';
export { dataSourceOptions, type ServiceDatabase } from './data-source-options';
export { migrate } from './migrate';
export { PersistenceModule } from './persistence.module';
export { PostgresReadiness } from './postgres.readiness';
export { databaseUrl, dropDatabase, ensureDatabase, withClient } from './provisioning/database-admin';
export { appendOnlyOwner, dropProvisionedDatabase, provisionDatabase } from './provisioning/database-roles';
export { Transactional, TransactionHost } from '@nestjs-cls/transactional';
export type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
