import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Email and SMS (issue 12). The directory's referral mailboxes are copied from its snapshots; each
 * referral's parties are kept so that later events and the deliveries API know who is concerned (the person
 * by a digest of their reference, as webhook_erased_person: enough to find their messages at erasure);
 * preferences are per structure. `notification_message` is an outbox for people: one row per message,
 * recorded in the consumer's transaction with a key unique per event and recipient (an event applied
 * twice records one message), sent afterwards, with a `message_id` fixed at recording so that a resend
 * after a crash carries the same Message-ID. Addresses and rendered bodies are dropped once the message
 * is settled or the person erased.
 */
export class Messages1766100000000 implements MigrationInterface {
  name = 'Messages1766100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE notification_structure (
        structure_id uuid PRIMARY KEY,
        version integer NOT NULL,
        deleted boolean NOT NULL,
        name text NOT NULL,
        referral_email text
      )`);
    await queryRunner.query(`
      CREATE TABLE notification_service (
        service_id uuid PRIMARY KEY,
        structure_id uuid NOT NULL,
        version integer NOT NULL,
        deleted boolean NOT NULL,
        name text NOT NULL,
        referral_email text
      )`);
    await queryRunner.query(`
      CREATE TABLE notification_referral (
        referral_id uuid PRIMARY KEY,
        person_digest bytea,
        sending_structure_id uuid NOT NULL,
        receiving_structure_id uuid NOT NULL,
        receiving_service_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX notification_referral_person ON notification_referral (person_digest) WHERE person_digest IS NOT NULL`);
    await queryRunner.query(`
      CREATE TABLE notification_preference (
        structure_id uuid PRIMARY KEY,
        channels text[] NOT NULL,
        sms_number text,
        quiet_hours_start text,
        quiet_hours_end text,
        updated_by text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE notification_message (
        id uuid PRIMARY KEY,
        dedupe_key text NOT NULL UNIQUE,
        message_id text NOT NULL,
        event_id text NOT NULL,
        event_type text NOT NULL,
        template text NOT NULL,
        referral_id uuid,
        recipient_kind text NOT NULL CHECK (recipient_kind IN ('receiver', 'sender', 'person')),
        recipient_structure_id uuid,
        channel text NOT NULL CHECK (channel IN ('email', 'sms')),
        address text,
        fallbacks jsonb NOT NULL DEFAULT '[]',
        subject text,
        body_text text,
        body_html text,
        sms_text text,
        status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'delivered', 'bounced', 'failed', 'cancelled')),
        attempts integer NOT NULL DEFAULT 0,
        channel_attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX notification_message_due ON notification_message (next_attempt_at) WHERE status = 'queued'`);
    await queryRunner.query(`CREATE INDEX notification_message_referral ON notification_message (referral_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['notification_message', 'notification_preference', 'notification_referral', 'notification_service', 'notification_structure']) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
