import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Daily counts of every event per type and local network: the first projection coordinators read. */
export class ActivityDaily1732360000000 implements MigrationInterface {
  name = 'ActivityDaily1732360000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE activity_daily (
        day date NOT NULL,
        event_type text NOT NULL,
        network_id uuid,
        count integer NOT NULL,
        CONSTRAINT activity_daily_unique UNIQUE NULLS NOT DISTINCT (day, event_type, network_id)
      )`);
    await queryRunner.query(`CREATE INDEX activity_daily_day ON activity_daily (day)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE activity_daily`);
  }
}
