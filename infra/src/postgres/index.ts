// Database creation and roles live in libs/persistence (the test databases use them too); re-exported for infra's callers.
export { appendOnlyOwner, databaseUrl, dropDatabase, dropProvisionedDatabase, ensureDatabase, provisionDatabase } from '@relais/persistence';
export { startPostgres, stopLeftoverPostgres } from './postgres-server';
export type { PostgresServer, PostgresServerOptions } from './postgres-server';
