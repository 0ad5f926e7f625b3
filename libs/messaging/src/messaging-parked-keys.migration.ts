import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-key order under retries (ADR 0003). While a record waits in the consumer's retry topic, its key
 * is *blocked*: later records of that key are parked here, in arrival order, instead of being applied
 * before it. Once the blocking record settles (applied, or given up as a dead letter) the key is
 * *released* and its parked records are applied in order; the key row goes when none is left.
 *
 * - messaging_parked_key: one row per blocked or draining key of a consumer. `blocker_event_id` is the
 *   event waiting in the retry topic; NULL once it settled and the parked records may go.
 * - messaging_parked_record: the records held back, with what is needed to process them as if they had
 *   just been read (Kafka topic, partition and offset, headers, value). One row per event.
 */
export class MessagingParkedKeys1765000000000 implements MigrationInterface {
  name = 'MessagingParkedKeys1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE messaging_parked_key (
        consumer text NOT NULL,
        topic text NOT NULL,
        key text NOT NULL,
        blocker_event_id text,
        blocked_since timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, topic, key)
      )`);
    await queryRunner.query(`CREATE INDEX messaging_parked_key_released ON messaging_parked_key (consumer) WHERE blocker_event_id IS NULL`);
    await queryRunner.query(`
      CREATE TABLE messaging_parked_record (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        consumer text NOT NULL,
        topic text NOT NULL,
        key text NOT NULL,
        event_id text NOT NULL,
        kafka_topic text NOT NULL,
        kafka_partition int NOT NULL,
        kafka_offset text NOT NULL,
        headers jsonb NOT NULL,
        value bytea,
        parked_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (consumer, event_id)
      )`);
    await queryRunner.query(`CREATE INDEX messaging_parked_record_key ON messaging_parked_record (consumer, topic, key, id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE messaging_parked_record`);
    await queryRunner.query(`DROP TABLE messaging_parked_key`);
  }
}
