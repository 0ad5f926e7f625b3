import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The diagnostic service's tables: questionnaire versions as first used, assessments with their consent,
 * read grants given by referrals, and the read model of the directory (fed by its snapshot events).
 */
export class DiagnosticSchema1732400000000 implements MigrationInterface {
  name = 'DiagnosticSchema1732400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // A version's content as it was when first used: past assessments read against it forever.
    await queryRunner.query(`
      CREATE TABLE questionnaire_version (
        version text PRIMARY KEY,
        content_hash text NOT NULL,
        content jsonb NOT NULL,
        first_used_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE assessment (
        assessment_id uuid PRIMARY KEY,
        person_ref text NOT NULL,
        structure_id uuid NOT NULL,
        network_id uuid,
        commune_code text NOT NULL,
        recorded_by_subject text NOT NULL,
        recorded_by_role text NOT NULL,
        questionnaire_version text NOT NULL REFERENCES questionnaire_version (version),
        rules_version text NOT NULL,
        answers jsonb NOT NULL,
        level text NOT NULL,
        score integer NOT NULL,
        result jsonb NOT NULL,
        completed_at timestamptz NOT NULL,
        idempotency_key text,
        request_hash text,
        CONSTRAINT assessment_idempotency UNIQUE (structure_id, idempotency_key)
      )`);
    await queryRunner.query(`CREATE INDEX assessment_person ON assessment (person_ref, completed_at)`);
    // Written before the assessment in the same transaction: no assessment exists without its consent.
    await queryRunner.query(`
      CREATE TABLE assessment_consent (
        assessment_id uuid PRIMARY KEY,
        method text NOT NULL,
        given_at timestamptz NOT NULL,
        structure_id uuid NOT NULL,
        recorded_by_subject text NOT NULL
      )`);
    // A structure the person was referred to, with consent to share the assessment.
    await queryRunner.query(`
      CREATE TABLE assessment_grant (
        referral_id uuid NOT NULL,
        assessment_id uuid NOT NULL,
        structure_id uuid NOT NULL,
        granted_at timestamptz NOT NULL,
        expires_at timestamptz,
        revoked_at timestamptz,
        PRIMARY KEY (referral_id, assessment_id)
      )`);
    await queryRunner.query(`CREATE INDEX assessment_grant_reader ON assessment_grant (assessment_id, structure_id) WHERE revoked_at IS NULL`);

    // Read model of the directory. Snapshots carry a version: an older one never overwrites a newer.
    await queryRunner.query(`
      CREATE TABLE directory_structure (
        structure_id uuid PRIMARY KEY,
        version integer NOT NULL,
        deleted boolean NOT NULL,
        name text NOT NULL,
        labels text[] NOT NULL,
        network_ids uuid[] NOT NULL,
        commune_code text
      )`);
    await queryRunner.query(`
      CREATE TABLE directory_network (
        network_id uuid PRIMARY KEY,
        version integer NOT NULL,
        deleted boolean NOT NULL,
        name text NOT NULL,
        department text NOT NULL,
        commune_codes text[] NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX directory_network_communes ON directory_network USING gin (commune_codes)`);
    await queryRunner.query(`
      CREATE TABLE directory_service (
        service_id uuid PRIMARY KEY,
        structure_id uuid NOT NULL,
        version integer NOT NULL,
        deleted boolean NOT NULL,
        status text NOT NULL,
        suspended_until date,
        name text NOT NULL,
        roles text[] NOT NULL,
        thematiques text[] NOT NULL,
        publics text[] NOT NULL,
        languages text[] NOT NULL,
        modalities text[] NOT NULL,
        accepts_relais_referrals boolean NOT NULL,
        network_ids uuid[] NOT NULL,
        open_slots_per_week integer,
        waiting_days integer,
        updated_at timestamptz NOT NULL
      )`);
    // What the search reads: one row per lieu of each service that may be recommended (active, not
    // deleted). A service suspended or closed has no row here, so it stops being recommended at once.
    await queryRunner.query(`
      CREATE TABLE directory_offer (
        service_id uuid NOT NULL REFERENCES directory_service (service_id) ON DELETE CASCADE,
        lieu_key text NOT NULL,
        lieu_id uuid,
        roles text[] NOT NULL,
        network_ids uuid[] NOT NULL,
        modalities text[] NOT NULL,
        suspended_until date,
        commune_code text,
        latitude double precision,
        longitude double precision,
        location point,
        opening_hours text,
        PRIMARY KEY (service_id, lieu_key)
      )`);
    await queryRunner.query(`CREATE INDEX directory_offer_location ON directory_offer USING gist (location)`);
    // Only services that come to people are searched by network: a small partial index.
    await queryRunner.query(
      `CREATE INDEX directory_offer_reaching_networks ON directory_offer USING gin (network_ids) WHERE modalities && '{a-domicile,itinerant,a-distance}'::text[]`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['directory_offer', 'directory_service', 'directory_network', 'directory_structure', 'assessment_grant', 'assessment_consent', 'assessment', 'questionnaire_version']) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
