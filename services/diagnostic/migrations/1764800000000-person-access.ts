import { PersonKeyStore, type FieldCipher } from '@relais/privacy';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const BATCH = 500;

/**
 * Persons, access and encryption at rest (issue 9):
 * - `person_keys`: each person's data key, wrapped by the service's master key ring (crypto-shredding);
 * - `person_link`: which structures may use a person reference (fed by the referral service's
 *   person.linked events, and by the assessments a structure runs), backfilled from past assessments;
 * - `audit_log`: every read of personal data, append-only (a trigger refuses UPDATE, DELETE, TRUNCATE);
 * - answers and results sealed under the person's key: existing rows are sealed HERE, in this
 *   migration's transaction, and the plaintext columns dropped. Keeping a plaintext column until a later
 *   backfill would leave readable answers in the database (and in every backup taken meanwhile) with two
 *   read paths to keep right; sealing at once leaves one path and nothing readable without the key.
 *   Dropped columns stay in the table's pages until rewritten: `VACUUM FULL assessment` after the upgrade
 *   (docs/diagnostic.md). Old backups still hold plaintext: they age out with the backup retention.
 * - Idempotency keys belong to a caller (user + structure, or client), no longer to a whole structure.
 *
 * The sealing needs the master keys, so this migration is made with the service's cipher.
 */
export function personAccessMigration(cipher: FieldCipher): Function {
  const keys = new PersonKeyStore(cipher);

  return class PersonAccess1764800000000 implements MigrationInterface {
    name = 'PersonAccess1764800000000';

    async up(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`
        CREATE TABLE person_keys (
          person_ref text PRIMARY KEY,
          wrapped_key bytea NOT NULL,
          created_at timestamptz NOT NULL
        )`);

      await queryRunner.query(`
        CREATE TABLE person_link (
          person_ref text NOT NULL,
          structure_id uuid NOT NULL,
          via text NOT NULL,
          linked_at timestamptz NOT NULL,
          PRIMARY KEY (person_ref, structure_id)
        )`);
      await queryRunner.query(`
        INSERT INTO person_link (person_ref, structure_id, via, linked_at)
        SELECT person_ref, structure_id, 'assessment', min(completed_at) FROM assessment GROUP BY person_ref, structure_id`);

      await queryRunner.query(`
        CREATE TABLE audit_log (
          id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          at timestamptz NOT NULL,
          action text NOT NULL,
          actor_subject text NOT NULL,
          actor_client_id text,
          actor_roles text[] NOT NULL,
          actor_structure_id uuid,
          assessment_id uuid,
          person_ref text,
          fields text[] NOT NULL
        )`);
      await queryRunner.query(`CREATE INDEX audit_log_person ON audit_log (person_ref, id)`);
      await queryRunner.query(`CREATE INDEX audit_log_assessment ON audit_log (assessment_id, id)`);
      await queryRunner.query(`
        CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'audit_log is append-only';
        END $$`);
      await queryRunner.query(`
        CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
      await queryRunner.query(`
        CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`);

      await queryRunner.query(`ALTER TABLE assessment ADD COLUMN answers_sealed bytea, ADD COLUMN result_sealed bytea`);
      let after = '00000000-0000-0000-0000-000000000000';
      for (;;) {
        const rows = (await queryRunner.query(
          `SELECT assessment_id, person_ref, answers::text AS answers, result::text AS result FROM assessment
            WHERE assessment_id > $1 ORDER BY assessment_id LIMIT ${BATCH}`,
          [after],
        )) as Array<{ assessment_id: string; person_ref: string; answers: string; result: string }>;
        for (const row of rows) {
          const key = await keys.keyFor(queryRunner, row.person_ref);
          await queryRunner.query(`UPDATE assessment SET answers_sealed = $2, result_sealed = $3 WHERE assessment_id = $1`, [
            row.assessment_id,
            key.seal(row.answers, `assessment:${row.assessment_id}:answers`),
            key.seal(row.result, `assessment:${row.assessment_id}:result`),
          ]);
        }
        if (rows.length < BATCH) break;
        after = rows[rows.length - 1]?.assessment_id ?? after;
      }
      await queryRunner.query(`ALTER TABLE assessment DROP COLUMN answers, DROP COLUMN result`);
      await queryRunner.query(`ALTER TABLE assessment ALTER COLUMN answers_sealed SET NOT NULL, ALTER COLUMN result_sealed SET NOT NULL`);

      // An agent's key is theirs: two colleagues of one structure no longer replay each other's requests.
      await queryRunner.query(`ALTER TABLE assessment ADD COLUMN idempotency_owner text`);
      await queryRunner.query(`
        UPDATE assessment SET idempotency_owner = CASE WHEN recorded_by_role = 'integration'
          THEN 'client:' || recorded_by_subject ELSE 'user:' || structure_id || ':' || recorded_by_subject END
        WHERE idempotency_key IS NOT NULL`);
      await queryRunner.query(`ALTER TABLE assessment DROP CONSTRAINT assessment_idempotency`);
      await queryRunner.query(`ALTER TABLE assessment ADD CONSTRAINT assessment_idempotency UNIQUE (idempotency_owner, idempotency_key)`);
      await queryRunner.query(`CREATE INDEX assessment_structure_person ON assessment (structure_id, person_ref)`);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`DROP INDEX assessment_structure_person`);
      await queryRunner.query(`ALTER TABLE assessment DROP CONSTRAINT assessment_idempotency`);
      await queryRunner.query(`ALTER TABLE assessment ADD CONSTRAINT assessment_idempotency UNIQUE (structure_id, idempotency_key)`);
      await queryRunner.query(`ALTER TABLE assessment DROP COLUMN idempotency_owner`);

      await queryRunner.query(`ALTER TABLE assessment ADD COLUMN answers jsonb, ADD COLUMN result jsonb`);
      const rows = (await queryRunner.query(`SELECT assessment_id, person_ref, answers_sealed, result_sealed FROM assessment`)) as Array<{
        assessment_id: string;
        person_ref: string;
        answers_sealed: Buffer;
        result_sealed: Buffer;
      }>;
      for (const row of rows) {
        const key = await keys.find(queryRunner, row.person_ref);
        if (!key) throw new Error(`assessment ${row.assessment_id}: its person key is gone, it cannot be unsealed`);
        await queryRunner.query(`UPDATE assessment SET answers = $2::jsonb, result = $3::jsonb WHERE assessment_id = $1`, [
          row.assessment_id,
          key.open(row.answers_sealed, `assessment:${row.assessment_id}:answers`),
          key.open(row.result_sealed, `assessment:${row.assessment_id}:result`),
        ]);
      }
      await queryRunner.query(`ALTER TABLE assessment ALTER COLUMN answers SET NOT NULL, ALTER COLUMN result SET NOT NULL`);
      await queryRunner.query(`ALTER TABLE assessment DROP COLUMN answers_sealed, DROP COLUMN result_sealed`);

      await queryRunner.query(`DROP TABLE audit_log`);
      await queryRunner.query(`DROP FUNCTION audit_log_append_only()`);
      await queryRunner.query(`DROP TABLE person_link`);
      await queryRunner.query(`DROP TABLE person_keys`);
    }
  };
}
