import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The events a rebuild applied to the tables it made (docs/reporting.md "Rebuild"): the rebuild skips an event
 * it meets twice, and once its tables are switched in, the live consumer skips what the rebuild applied ahead of
 * it. Empty until a first rebuild; each rebuild brings its own, switched in with its tables.
 */
export class ReplayedEvents1765300000001 implements MigrationInterface {
  name = 'ReplayedEvents1765300000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE replayed_events (event_id text PRIMARY KEY)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE replayed_events`);
  }
}
