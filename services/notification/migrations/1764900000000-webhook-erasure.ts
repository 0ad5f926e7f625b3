import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook bodies are CloudEvents that carry the person's reference. A body is kept only while it may
 * still be sent (a settled delivery drops it), and a person's erasure drops what remains and cancels
 * what was still to be sent: the delivery row stays, so deliveries are still counted.
 *
 * `webhook_erased_person` remembers erased people by a SHA-256 digest of their reference (never the
 * reference itself), so that a referral event still on its way when the erasure arrived is not
 * recorded with its body afterwards: the two travel on different topics, in no guaranteed order.
 */
export class WebhookErasure1764900000000 implements MigrationInterface {
  name = 'WebhookErasure1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE webhook_delivery ALTER COLUMN body DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE webhook_delivery DROP CONSTRAINT webhook_delivery_status_check`);
    await queryRunner.query(
      `ALTER TABLE webhook_delivery ADD CONSTRAINT webhook_delivery_status_check CHECK (status IN ('pending', 'delivered', 'failed', 'cancelled'))`,
    );
    await queryRunner.query(`UPDATE webhook_delivery SET body = NULL WHERE status <> 'pending'`);
    await queryRunner.query(
      `CREATE INDEX webhook_delivery_person ON webhook_delivery ((body -> 'data' ->> 'personRef')) WHERE body IS NOT NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE webhook_erased_person (
        ref_digest bytea PRIMARY KEY,
        erased_at timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE webhook_erased_person`);
    await queryRunner.query(`DROP INDEX webhook_delivery_person`);
    // Cancelled deliveries and dropped bodies cannot be brought back: they become failed, with an empty body.
    await queryRunner.query(`UPDATE webhook_delivery SET status = 'failed' WHERE status = 'cancelled'`);
    await queryRunner.query(`UPDATE webhook_delivery SET body = '{}'::jsonb WHERE body IS NULL`);
    await queryRunner.query(`ALTER TABLE webhook_delivery DROP CONSTRAINT webhook_delivery_status_check`);
    await queryRunner.query(`ALTER TABLE webhook_delivery ADD CONSTRAINT webhook_delivery_status_check CHECK (status IN ('pending', 'delivered', 'failed'))`);
    await queryRunner.query(`ALTER TABLE webhook_delivery ALTER COLUMN body SET NOT NULL`);
  }
}
