import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Delivery receipts (issue 12): the provider's id of a sent SMS, an unguessable token per message in the
 * receipt URL the provider calls back (Brevo's `webUrl`), and when the provider said it was delivered.
 */
export class Receipts1766400000000 implements MigrationInterface {
  name = 'Receipts1766400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE notification_message
        ADD COLUMN receipt_token text,
        ADD COLUMN provider_id text,
        ADD COLUMN delivered_at timestamptz`);
    await queryRunner.query(`CREATE UNIQUE INDEX notification_message_receipt ON notification_message (receipt_token) WHERE receipt_token IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX notification_message_receipt`);
    await queryRunner.query(`ALTER TABLE notification_message DROP COLUMN receipt_token, DROP COLUMN provider_id, DROP COLUMN delivered_at`);
  }
}
