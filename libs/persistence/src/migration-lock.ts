import type { DataSource, Migration } from 'typeorm';
import { sealAppendOnlyTables } from './append-only';
import { advisoryLocks } from './advisory-locks';

/**
 * Key of the session advisory lock held while a process applies migrations. TypeORM takes none: two
 * processes of one service starting together (an `api` and a `consumers` process, or replicas) would
 * both apply a pending migration and one would fail. Each service has a database of its own, so one key
 * serves them all.
 */
const MIGRATION_LOCK_KEY = advisoryLocks.migrations;

/**
 * Applies the pending migrations then seals the append-only tables, one process of the database at a
 * time: the next one waits for the lock, then finds nothing left to apply.
 */
export async function migrateExclusively(dataSource: DataSource, appendOnlyTables: readonly string[]): Promise<Migration[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      await sealAppendOnlyTables(dataSource, appendOnlyTables);
      return applied;
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
