import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhooks become a channel of the one sending loop (issue 12): a signed CloudEvent to a subscription is
 * a `notification_message` like an email, with the same claim, lease, retry rule, states and outcome
 * event. The row keeps the subscription (the URL and secret are read from it at each attempt, so an
 * edited URL applies to what is still to send, and a deleted subscription takes its deliveries with it
 * as before), the CloudEvent in `body_text` until it is settled, and the event id as `message_id` (the
 * `webhook-id` header receivers deduplicate on). Existing deliveries are moved with their state
 * (`pending` is `queued` here), then `webhook_delivery` is dropped. `recipient_kind` gains `software`.
 */
export class WebhookChannel1766500000000 implements MigrationInterface {
  name = 'WebhookChannel1766500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE notification_message ADD COLUMN subscription_id uuid REFERENCES webhook_subscription (id) ON DELETE CASCADE`);
    await queryRunner.query(`ALTER TABLE notification_message DROP CONSTRAINT notification_message_channel_check`);
    await queryRunner.query(`ALTER TABLE notification_message ADD CONSTRAINT notification_message_channel_check CHECK (channel IN ('email', 'sms', 'webhook'))`);
    await queryRunner.query(`ALTER TABLE notification_message DROP CONSTRAINT notification_message_recipient_kind_check`);
    await queryRunner.query(
      `ALTER TABLE notification_message ADD CONSTRAINT notification_message_recipient_kind_check CHECK (recipient_kind IN ('receiver', 'sender', 'person', 'coordinator', 'software'))`,
    );
    await queryRunner.query(
      `ALTER TABLE notification_message ADD CONSTRAINT notification_message_webhook_subscription CHECK ((channel = 'webhook') = (subscription_id IS NOT NULL))`,
    );
    await queryRunner.query(`
      INSERT INTO notification_message (id, dedupe_key, message_id, event_id, event_type, template, referral_id, recipient_kind, recipient_structure_id,
                                        channel, subscription_id, body_text, status, attempts, channel_attempts, next_attempt_at, last_error,
                                        created_at, sent_at, delivered_at)
      SELECT d.id, 'webhook:' || d.subscription_id || ':' || d.event_id, d.event_id, d.event_id, d.event_type, 'cloudevent', d.referral_id, 'software', s.structure_id,
             'webhook', d.subscription_id, d.body::text, CASE d.status WHEN 'pending' THEN 'queued' ELSE d.status END, d.attempts, d.attempts, d.next_attempt_at, d.last_error,
             d.created_at, d.delivered_at, d.delivered_at
        FROM webhook_delivery d JOIN webhook_subscription s ON s.id = d.subscription_id`);
    // The person's reference is read in the CloudEvent at erasure: an index on it for the bodies still kept.
    await queryRunner.query(
      `CREATE INDEX notification_message_webhook_person ON notification_message (((body_text::jsonb) -> 'data' ->> 'personRef')) WHERE channel = 'webhook' AND body_text IS NOT NULL`,
    );
    await queryRunner.query(`CREATE INDEX notification_message_subscription ON notification_message (subscription_id, created_at) WHERE subscription_id IS NOT NULL`);
    await queryRunner.query(`DROP TABLE webhook_delivery`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE webhook_delivery (
        id uuid PRIMARY KEY,
        subscription_id uuid NOT NULL REFERENCES webhook_subscription (id) ON DELETE CASCADE,
        event_id text NOT NULL,
        event_type text NOT NULL,
        referral_id uuid,
        body jsonb,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed', 'cancelled')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        UNIQUE (subscription_id, event_id)
      )`);
    await queryRunner.query(`CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at) WHERE status = 'pending'`);
    await queryRunner.query(`CREATE INDEX webhook_delivery_person ON webhook_delivery ((body -> 'data' ->> 'personRef')) WHERE body IS NOT NULL`);
    await queryRunner.query(`
      INSERT INTO webhook_delivery (id, subscription_id, event_id, event_type, referral_id, body, status, attempts, next_attempt_at, last_error, created_at, delivered_at)
      SELECT id, subscription_id, event_id, event_type, referral_id, body_text::jsonb, CASE status WHEN 'queued' THEN 'pending' WHEN 'delivered' THEN 'delivered' WHEN 'cancelled' THEN 'cancelled' ELSE 'failed' END,
             attempts, next_attempt_at, last_error, created_at, delivered_at
        FROM notification_message WHERE channel = 'webhook'`);
    await queryRunner.query(`DELETE FROM notification_message WHERE channel = 'webhook'`);
    await queryRunner.query(`DROP INDEX notification_message_subscription`);
    await queryRunner.query(`DROP INDEX notification_message_webhook_person`);
    await queryRunner.query(`ALTER TABLE notification_message DROP CONSTRAINT notification_message_webhook_subscription`);
    await queryRunner.query(`ALTER TABLE notification_message DROP CONSTRAINT notification_message_recipient_kind_check`);
    await queryRunner.query(
      `ALTER TABLE notification_message ADD CONSTRAINT notification_message_recipient_kind_check CHECK (recipient_kind IN ('receiver', 'sender', 'person', 'coordinator'))`,
    );
    await queryRunner.query(`ALTER TABLE notification_message DROP CONSTRAINT notification_message_channel_check`);
    await queryRunner.query(`ALTER TABLE notification_message ADD CONSTRAINT notification_message_channel_check CHECK (channel IN ('email', 'sms'))`);
    await queryRunner.query(`ALTER TABLE notification_message DROP COLUMN subscription_id`);
  }
}
