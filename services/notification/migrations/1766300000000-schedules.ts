import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the scheduled messages need (issue 12): each referral's network, status and deadlines (for the last
 * reminder before expiry and the coordinators' weekly summary), the networks' delays, the services'
 * networks and capacity, a structure's choice of a daily digest and the referrals waiting for it, and
 * coordinators as recipients. Nothing personal: the digest entries hold names of structures and services,
 * the thématiques and dates, as the single message would.
 */
export class Schedules1766300000000 implements MigrationInterface {
  name = 'Schedules1766300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE notification_referral
        ADD COLUMN network_id uuid,
        ADD COLUMN status text NOT NULL DEFAULT 'requested',
        ADD COLUMN requested_at timestamptz,
        ADD COLUMN acknowledge_due_at timestamptz,
        ADD COLUMN first_contact_due_at timestamptz,
        ADD COLUMN last_reminder_at timestamptz`);
    await queryRunner.query(`CREATE INDEX notification_referral_open ON notification_referral (requested_at) WHERE status = 'requested' AND last_reminder_at IS NULL`);
    await queryRunner.query(`CREATE INDEX notification_referral_network ON notification_referral (network_id, status)`);
    await queryRunner.query(`
      CREATE TABLE notification_network (
        network_id uuid PRIMARY KEY,
        version integer NOT NULL,
        deleted boolean NOT NULL,
        name text NOT NULL,
        expire_after_days integer NOT NULL
      )`);
    await queryRunner.query(`
      ALTER TABLE notification_service
        ADD COLUMN network_ids uuid[] NOT NULL DEFAULT '{}',
        ADD COLUMN status text NOT NULL DEFAULT 'active',
        ADD COLUMN open_slots_per_week integer`);
    await queryRunner.query(`ALTER TABLE notification_preference ADD COLUMN digest boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`
      CREATE TABLE notification_digest_entry (
        referral_id uuid PRIMARY KEY,
        structure_id uuid NOT NULL,
        sender_name text NOT NULL,
        service_name text NOT NULL,
        needs text[] NOT NULL,
        acknowledge_due_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        digest_key text
      )`);
    await queryRunner.query(`CREATE INDEX notification_digest_pending ON notification_digest_entry (structure_id) WHERE digest_key IS NULL`);
    await queryRunner.query(`ALTER TABLE notification_message DROP CONSTRAINT notification_message_recipient_kind_check`);
    await queryRunner.query(`ALTER TABLE notification_message ADD CONSTRAINT notification_message_recipient_kind_check CHECK (recipient_kind IN ('receiver', 'sender', 'person', 'coordinator'))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM notification_message WHERE recipient_kind = 'coordinator'`);
    await queryRunner.query(`ALTER TABLE notification_message DROP CONSTRAINT notification_message_recipient_kind_check`);
    await queryRunner.query(`ALTER TABLE notification_message ADD CONSTRAINT notification_message_recipient_kind_check CHECK (recipient_kind IN ('receiver', 'sender', 'person'))`);
    await queryRunner.query(`DROP TABLE notification_digest_entry`);
    await queryRunner.query(`ALTER TABLE notification_preference DROP COLUMN digest`);
    await queryRunner.query(`ALTER TABLE notification_service DROP COLUMN network_ids, DROP COLUMN status, DROP COLUMN open_slots_per_week`);
    await queryRunner.query(`DROP TABLE notification_network`);
    await queryRunner.query(`DROP INDEX notification_referral_network`);
    await queryRunner.query(`DROP INDEX notification_referral_open`);
    await queryRunner.query(`ALTER TABLE notification_referral DROP COLUMN network_id, DROP COLUMN status, DROP COLUMN requested_at, DROP COLUMN acknowledge_due_at,
      DROP COLUMN first_contact_due_at, DROP COLUMN last_reminder_at`);
  }
}
