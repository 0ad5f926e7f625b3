import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The reporting projections (docs/decisions/0007-reporting-rollups.md): a copy of the directory, one state row per
 * open-or-recent referral (for delays and journeys; erased with the person), and rollup tables of counts per day
 * that the API sums. A referral outside any network has no rollup row: figures are per network.
 */
export class ReportingProjections1765200000000 implements MigrationInterface {
  name = 'ReportingProjections1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE directory_networks (
        network_id uuid PRIMARY KEY,
        version integer NOT NULL,
        deleted boolean NOT NULL,
        name text NOT NULL,
        commune_codes text[] NOT NULL,
        acknowledge_business_days integer NOT NULL,
        first_contact_business_days integer NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE directory_structures (
        structure_id uuid PRIMARY KEY,
        version integer NOT NULL,
        deleted boolean NOT NULL,
        name text NOT NULL,
        commune_code text,
        network_ids uuid[] NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE directory_services (
        service_id uuid PRIMARY KEY,
        structure_id uuid NOT NULL,
        version integer NOT NULL,
        deleted boolean NOT NULL,
        name text NOT NULL,
        active boolean NOT NULL,
        roles text[] NOT NULL,
        thematiques text[] NOT NULL,
        network_ids uuid[] NOT NULL,
        places jsonb NOT NULL,
        open_slots_per_week integer,
        waiting_days integer
      )`);
    await queryRunner.query(`CREATE INDEX directory_services_networks ON directory_services USING gin (network_ids)`);

    // What a later event of the same referral needs to know: its dimensions, its timestamps, its links.
    await queryRunner.query(`
      CREATE TABLE referral_state (
        referral_id uuid PRIMARY KEY,
        person_ref text NOT NULL,
        network_ids uuid[] NOT NULL,
        structure_id uuid NOT NULL,
        role text NOT NULL,
        thematique text NOT NULL,
        sender_network_id uuid NOT NULL,
        status text NOT NULL,
        requested_at timestamptz NOT NULL,
        acknowledge_due_at timestamptz NOT NULL,
        first_contact_due_at timestamptz NOT NULL,
        redirect_of uuid,
        redirected_on date
      )`);
    await queryRunner.query(`CREATE INDEX referral_state_person ON referral_state (person_ref)`);
    await queryRunner.query(`
      CREATE INDEX referral_state_open ON referral_state USING gin (network_ids)
       WHERE status IN ('requested', 'received', 'accepted')`);

    // A completed step with a next step, or a rejection, waiting for the person's next referral.
    await queryRunner.query(`
      CREATE TABLE journey_pending (
        referral_id uuid NOT NULL,
        kind text NOT NULL,
        person_ref text NOT NULL,
        day date NOT NULL,
        network_ids uuid[] NOT NULL,
        structure_id uuid NOT NULL,
        role text NOT NULL,
        PRIMARY KEY (referral_id, kind)
      )`);
    await queryRunner.query(`CREATE INDEX journey_pending_person ON journey_pending (person_ref)`);

    // Funnel by structure and role; by thématique and sender's network in a second table, so each stays small.
    await queryRunner.query(`
      CREATE TABLE referral_stage_daily (
        day date NOT NULL,
        network_id uuid NOT NULL,
        structure_id uuid NOT NULL,
        role text NOT NULL,
        stage text NOT NULL,
        n integer NOT NULL,
        PRIMARY KEY (network_id, day, structure_id, role, stage)
      )`);
    await queryRunner.query(`
      CREATE TABLE referral_theme_daily (
        day date NOT NULL,
        network_id uuid NOT NULL,
        thematique text NOT NULL,
        sender_network_id uuid NOT NULL,
        stage text NOT NULL,
        n integer NOT NULL,
        PRIMARY KEY (network_id, day, thematique, sender_network_id, stage)
      )`);
    // Delays as histograms: bucket k holds durations up to 15 min × 2^(k/4), so percentiles come from sums.
    await queryRunner.query(`
      CREATE TABLE delay_daily (
        day date NOT NULL,
        network_id uuid NOT NULL,
        structure_id uuid NOT NULL,
        role text NOT NULL,
        measure text NOT NULL,
        within_sla boolean NOT NULL,
        bucket smallint NOT NULL,
        n integer NOT NULL,
        PRIMARY KEY (network_id, day, structure_id, role, measure, within_sla, bucket)
      )`);
    // Continuity facts: exits per step, breaks, their follow-ups, autonomy outcomes, refusal reasons.
    await queryRunner.query(`
      CREATE TABLE journey_daily (
        day date NOT NULL,
        network_id uuid NOT NULL,
        structure_id uuid NOT NULL,
        role text NOT NULL,
        fact text NOT NULL,
        detail text NOT NULL,
        n integer NOT NULL,
        PRIMARY KEY (network_id, day, structure_id, role, fact, detail)
      )`);
    // The same sums per month: a period's whole months are read here, only its partial months day by day.
    for (const table of ['referral_stage', 'referral_theme', 'delay', 'journey']) {
      await queryRunner.query(`CREATE TABLE ${table}_monthly (LIKE ${table}_daily)`);
      await queryRunner.query(`ALTER TABLE ${table}_monthly RENAME COLUMN day TO month`);
    }
    await queryRunner.query(`ALTER TABLE referral_stage_monthly ADD PRIMARY KEY (network_id, month, structure_id, role, stage)`);
    await queryRunner.query(`ALTER TABLE referral_theme_monthly ADD PRIMARY KEY (network_id, month, thematique, sender_network_id, stage)`);
    await queryRunner.query(`ALTER TABLE delay_monthly ADD PRIMARY KEY (network_id, month, structure_id, role, measure, within_sla, bucket)`);
    await queryRunner.query(`ALTER TABLE journey_monthly ADD PRIMARY KEY (network_id, month, structure_id, role, fact, detail)`);
    await queryRunner.query(`
      CREATE TABLE assessment_daily (
        day date NOT NULL,
        network_id uuid NOT NULL,
        commune_code text NOT NULL,
        dimension text NOT NULL,
        value text NOT NULL,
        n integer NOT NULL,
        PRIMARY KEY (network_id, day, commune_code, dimension, value)
      )`);
    // Demand per commune and month: open data and coverage read it.
    await queryRunner.query(`
      CREATE TABLE commune_monthly (
        month date NOT NULL,
        network_id uuid NOT NULL,
        commune_code text NOT NULL,
        indicator text NOT NULL,
        n integer NOT NULL,
        PRIMARY KEY (month, network_id, commune_code, indicator)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'journey_monthly',
      'delay_monthly',
      'referral_theme_monthly',
      'referral_stage_monthly',
      'commune_monthly',
      'assessment_daily',
      'journey_daily',
      'delay_daily',
      'referral_theme_daily',
      'referral_stage_daily',
      'journey_pending',
      'referral_state',
      'directory_services',
      'directory_structures',
      'directory_networks',
    ]) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
