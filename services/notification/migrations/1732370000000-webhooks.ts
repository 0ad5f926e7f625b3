import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook subscriptions of structures' own software, and one delivery row per event to send: the
 * delivery is recorded in the consumer's transaction, then sent over HTTP outside of it (an outbox for
 * webhooks), so a slow receiver never holds a Kafka partition or a database transaction.
 */
export class Webhooks1732370000000 implements MigrationInterface {
  name = 'Webhooks1732370000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE webhook_subscription (
        id uuid PRIMARY KEY,
        structure_id uuid NOT NULL,
        url text NOT NULL,
        secret text NOT NULL,
        event_types text[] NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX webhook_subscription_structure ON webhook_subscription (structure_id)`);
    await queryRunner.query(`
      CREATE TABLE webhook_delivery (
        id uuid PRIMARY KEY,
        subscription_id uuid NOT NULL REFERENCES webhook_subscription (id) ON DELETE CASCADE,
        event_id text NOT NULL,
        event_type text NOT NULL,
        referral_id uuid,
        body jsonb NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        UNIQUE (subscription_id, event_id)
      )`);
    await queryRunner.query(`CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at) WHERE status = 'pending'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE webhook_delivery`);
    await queryRunner.query(`DROP TABLE webhook_subscription`);
  }
}
