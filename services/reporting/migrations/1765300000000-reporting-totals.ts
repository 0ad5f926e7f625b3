import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rollups without the dimensions most dashboards do not filter on (ADR 0007, "Totals"): per network (funnel,
 * delays, continuity with no structure nor role asked) and per structure without role (the structures table,
 * continuity by structure). The per-(structure, role) tables made a year's network funnel sum ~20 k rows, one heap
 * page each: 0.6–1.7 s at 1 M referrals. Each key's count is in its index (INCLUDE n), so a query reads index
 * pages in key order only. Filled from the existing rollups, so nothing needs replaying.
 */
export class ReportingTotals1765300000000 implements MigrationInterface {
  name = 'ReportingTotals1765300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [grain, period] of [
      ['daily', 'day'],
      ['monthly', 'month'],
    ] as const) {
      await queryRunner.query(`
        CREATE TABLE network_stage_${grain} (
          ${period} date NOT NULL, network_id uuid NOT NULL, stage text NOT NULL, n integer NOT NULL,
          PRIMARY KEY (network_id, ${period}, stage) INCLUDE (n)
        )`);
      await queryRunner.query(`
        CREATE TABLE network_delay_${grain} (
          ${period} date NOT NULL, network_id uuid NOT NULL, measure text NOT NULL, within_sla boolean NOT NULL, bucket smallint NOT NULL, n integer NOT NULL,
          PRIMARY KEY (network_id, ${period}, measure, within_sla, bucket) INCLUDE (n)
        )`);
      await queryRunner.query(`
        CREATE TABLE network_journey_${grain} (
          ${period} date NOT NULL, network_id uuid NOT NULL, fact text NOT NULL, detail text NOT NULL, n integer NOT NULL,
          PRIMARY KEY (network_id, ${period}, fact, detail) INCLUDE (n)
        )`);
      // The funnel's stages per structure, and 'exit' (left at any step) for the drop-off by structure.
      await queryRunner.query(`
        CREATE TABLE structure_stage_${grain} (
          ${period} date NOT NULL, network_id uuid NOT NULL, structure_id uuid NOT NULL, stage text NOT NULL, n integer NOT NULL,
          PRIMARY KEY (network_id, ${period}, structure_id, stage) INCLUDE (n)
        )`);
      await queryRunner.query(`
        CREATE TABLE structure_acknowledgement_${grain} (
          ${period} date NOT NULL, network_id uuid NOT NULL, structure_id uuid NOT NULL, bucket smallint NOT NULL, n integer NOT NULL,
          PRIMARY KEY (network_id, ${period}, structure_id, bucket) INCLUDE (n)
        )`);
      await queryRunner.query(`INSERT INTO network_stage_${grain} SELECT ${period}, network_id, stage, sum(n) FROM referral_stage_${grain} GROUP BY 1, 2, 3`);
      await queryRunner.query(
        `INSERT INTO network_delay_${grain} SELECT ${period}, network_id, measure, within_sla, bucket, sum(n) FROM delay_${grain} GROUP BY 1, 2, 3, 4, 5`,
      );
      await queryRunner.query(`INSERT INTO network_journey_${grain} SELECT ${period}, network_id, fact, detail, sum(n) FROM journey_${grain} GROUP BY 1, 2, 3, 4`);
      await queryRunner.query(
        `INSERT INTO structure_stage_${grain} SELECT ${period}, network_id, structure_id, stage, sum(n) FROM (
           SELECT ${period}, network_id, structure_id, stage, n FROM referral_stage_${grain}
           UNION ALL SELECT ${period}, network_id, structure_id, 'exit', n FROM journey_${grain} WHERE fact = 'exit') AS s
         GROUP BY 1, 2, 3, 4`,
      );
      await queryRunner.query(
        `INSERT INTO structure_acknowledgement_${grain} SELECT ${period}, network_id, structure_id, bucket, sum(n) FROM delay_${grain}
          WHERE measure = 'acknowledgement' GROUP BY 1, 2, 3, 4`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['network_stage', 'network_delay', 'network_journey', 'structure_stage', 'structure_acknowledgement']) {
      await queryRunner.query(`DROP TABLE ${table}_daily`);
      await queryRunner.query(`DROP TABLE ${table}_monthly`);
    }
  }
}
