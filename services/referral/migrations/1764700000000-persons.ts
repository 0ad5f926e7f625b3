import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Persons get their reference from Relais, and a structure may use a reference only once it is linked to
 * the person (it registered them, sent or received one of their referrals, or ran their diagnostic).
 * Before this, the reference was chosen by the client and was itself the key to the journey.
 *
 * Existing data: every reference already used becomes a person (details stay in the referrals, sealed),
 * and the structures that sent or received its referrals, or ran its diagnostics, are linked to it.
 */
export class Persons1764700000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE persons (
        reference text PRIMARY KEY,
        registered_by_structure_id uuid,
        contact_preference text,
        -- firstName, lastName, birthDate, phone, email as one JSON value sealed under the person's key
        details_sealed bytea,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        erased_at timestamptz
      )`);
    await queryRunner.query(`
      CREATE TABLE person_links (
        person_ref text NOT NULL REFERENCES persons (reference),
        structure_id uuid NOT NULL,
        via text NOT NULL,
        -- the structure's own file number for the person: shown to that structure only
        external_id text,
        linked_at timestamptz NOT NULL,
        PRIMARY KEY (person_ref, structure_id)
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX person_links_external_id ON person_links (structure_id, external_id) WHERE external_id IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX person_links_structure ON person_links (structure_id, linked_at DESC)`);

    await queryRunner.query(`
      INSERT INTO persons (reference, registered_by_structure_id, contact_preference, created_at, updated_at, erased_at)
      SELECT DISTINCT ON (person_ref) person_ref, sending_structure_id, contact_preference, created_at, created_at, person_erased_at
      FROM referrals ORDER BY person_ref, created_at`);
    await queryRunner.query(`
      INSERT INTO persons (reference, registered_by_structure_id, created_at, updated_at)
      SELECT DISTINCT ON (person_ref) person_ref, structure_id, completed_at, completed_at
      FROM assessments ORDER BY person_ref, completed_at
      ON CONFLICT (reference) DO NOTHING`);
    await queryRunner.query(`
      INSERT INTO person_links (person_ref, structure_id, via, linked_at)
      SELECT person_ref, structure_id, via, min(at) FROM (
        SELECT person_ref, sending_structure_id AS structure_id, 'referral-sent' AS via, created_at AS at FROM referrals
        UNION ALL
        SELECT person_ref, receiving_structure_id, 'referral-received', created_at FROM referrals
        UNION ALL
        SELECT person_ref, structure_id, 'assessment', completed_at FROM assessments WHERE structure_id IS NOT NULL
      ) AS l
      WHERE NOT EXISTS (SELECT 1 FROM persons p WHERE p.reference = l.person_ref AND p.erased_at IS NOT NULL)
      GROUP BY person_ref, structure_id, via
      ON CONFLICT (person_ref, structure_id) DO NOTHING`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE person_links`);
    await queryRunner.query(`DROP TABLE persons`);
  }
}
