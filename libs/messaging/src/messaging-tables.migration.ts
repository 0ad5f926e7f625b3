import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The messaging tables of a service database. Every service lists this migration in its own
 * migrations/index.ts; like any migration it is frozen once shipped: a change is a new migration.
 *
 * - messaging_outbox: events written in the business transaction, sent to Kafka by the relay.
 *   `id` orders the sending (per aggregate, the order of the commits that wrote them).
 * - messaging_inbox: one row per event a consumer applied, written in the same transaction as its effect.
 * - messaging_dead_letter_redrive: dead letters already sent back for another try, so no dead letter
 *   is redriven twice (the dead-letter topic itself is append-only).
 */
export class MessagingTables1732350000000 implements MigrationInterface {
  name = 'MessagingTables1732350000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE messaging_outbox (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        event_id uuid NOT NULL UNIQUE,
        type text NOT NULL,
        topic text NOT NULL,
        key text NOT NULL,
        payload jsonb NOT NULL,
        traceparent text,
        event_time timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX messaging_outbox_unsent ON messaging_outbox (id) WHERE sent_at IS NULL`);
    await queryRunner.query(`CREATE INDEX messaging_outbox_sent ON messaging_outbox (sent_at) WHERE sent_at IS NOT NULL`);
    await queryRunner.query(`
      CREATE TABLE messaging_inbox (
        consumer text NOT NULL,
        event_id text NOT NULL,
        type text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      )`);
    await queryRunner.query(`CREATE INDEX messaging_inbox_received_at ON messaging_inbox (received_at)`);
    await queryRunner.query(`
      CREATE TABLE messaging_dead_letter_redrive (
        consumer text NOT NULL,
        dead_letter_id text NOT NULL,
        event_id text NOT NULL,
        redriven_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, dead_letter_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE messaging_dead_letter_redrive`);
    await queryRunner.query(`DROP TABLE messaging_inbox`);
    await queryRunner.query(`DROP TABLE messaging_outbox`);
  }
}
