import { DataSource } from 'typeorm';
import { dataSourceOptions, type ServiceDatabase } from './data-source-options';

/** Applies (or reverts the last of) a service's migrations: the `migrate` and `migrate:revert` targets. */
export async function migrate(database: ServiceDatabase, direction: 'up' | 'down' = 'up'): Promise<string[]> {
  const dataSource = new DataSource(dataSourceOptions(database));
  await dataSource.initialize();
  try {
    if (direction === 'down') {
      await dataSource.undoLastMigration({ transaction: 'each' });
      return [];
    }
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}
