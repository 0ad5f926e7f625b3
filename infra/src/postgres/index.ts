export { appendOnlyOwner, dropProvisionedDatabase, provisionDatabase } from './database-roles';
export { databaseUrl, dropDatabase, ensureDatabase, startPostgres } from './postgres-server';
export type { PostgresServer, PostgresServerOptions } from './postgres-server';
