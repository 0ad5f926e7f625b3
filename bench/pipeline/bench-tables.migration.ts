import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A business table (what a service writes with its event) and the projection the consumer maintains. */
export class BenchTables1732350000001 implements MigrationInterface {
  name = 'BenchTables1732350000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE bench_business (id uuid PRIMARY KEY, payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
    await queryRunner.query(`CREATE TABLE bench_projection (id uuid PRIMARY KEY, phase text NOT NULL, latency_ms double precision NOT NULL)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE bench_projection`);
    await queryRunner.query(`DROP TABLE bench_business`);
  }
}
