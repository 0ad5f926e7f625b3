import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The diagnostic page sums a network's `assessment_daily` rows over the period (docs/reporting.md "Benchmark"): a
 * year was ~52 000 rows at 1 M referrals, read through the key and then the heap (a bitmap scan, 260 ms under
 * load). With the commune, dimension, value and count in an index led by (network, day), the same sum is an
 * index-only scan of consecutive pages.
 */
export class DiagnosticCoveringIndex1796317373491 implements MigrationInterface {
  name = 'DiagnosticCoveringIndex1796317373491';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX assessment_daily_network_day ON assessment_daily (network_id, day) INCLUDE (commune_code, dimension, value, n)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX assessment_daily_network_day`);
  }
}
