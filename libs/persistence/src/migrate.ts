import { DataSource } from 'typeorm';
import { dataSourceOptions, type ServiceDatabase } from './data-source-options';
import { migrateExclusively } from './migration-lock';

/**
 * Applies (or reverts the last of) a service's migrations: the `migrate` and `migrate:revert` targets.
 * Applying ends, as a service's start does, by sealing its append-only tables.
 */
export async function migrate(database: ServiceDatabase, direction: 'up' | 'down' = 'up'): Promise<string[]> {
  const dataSource = new DataSource(dataSourceOptions(database));
  await dataSource.initialize();
  try {
    if (direction === 'down') {
      await dataSource.undoLastMigration({ transaction: 'each' });
      return [];
    }
    const applied = await migrateExclusively(dataSource, database.appendOnlyTables ?? []);
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}
