import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Action links (issue 12): the notification service signs them, this service checks them and keeps what a
 * signature cannot say. `action_link_use` is their audit (every read and every move through a link, by
 * the link's id; append-only like audit_log); `action_link_revocation` revokes one link (`jti`) or every
 * link of a referral issued before a moment (`jti` null).
 */
export class ActionLinks1766100000000 implements MigrationInterface {
  name = 'ActionLinks1766100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE action_link_use (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL,
        jti text NOT NULL,
        referral_id uuid NOT NULL,
        structure_id uuid NOT NULL,
        action text NOT NULL CHECK (action IN ('read', 'transition', 'revoke')),
        status text
      )`);
    await queryRunner.query(`CREATE INDEX action_link_use_referral ON action_link_use (referral_id)`);
    await queryRunner.query(`
      CREATE TABLE action_link_revocation (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        referral_id uuid NOT NULL,
        jti text,
        issued_before timestamptz NOT NULL,
        revoked_by text NOT NULL,
        at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX action_link_revocation_referral ON action_link_revocation (referral_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE action_link_revocation`);
    await queryRunner.query(`DROP TABLE action_link_use`);
  }
}
