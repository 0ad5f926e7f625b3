import { randomUUID } from 'node:crypto';
import { kafkaSasl, type KafkaCredentials } from '@relais/infra';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';

/**
 * The two raw limits the pipeline is compared with, measured on the same broker and database in the
 * same run. The benchmark, not a service, is the one place besides libs/messaging allowed to use
 * kafkajs directly: it measures the client itself.
 */

/** L_pg: single-row business + outbox transactions per second with `clients` concurrent connections (tables already migrated). */
export async function measurePostgresLimit(databaseUrl: string, { clients = 8, durationMs = 10_000 } = {}): Promise<number> {
  const pool = new Pool({ connectionString: databaseUrl, max: clients });
  try {
    // The same tables the pipeline writes (the messaging migration's outbox, with its indexes).
    await pool.query('TRUNCATE bench_business, messaging_outbox');
    const payload = JSON.stringify({ filler: 'x'.repeat(900) });
    let done = 0;
    const deadline = performance.now() + durationMs;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        const client = await pool.connect();
        try {
          while (performance.now() < deadline) {
            const id = randomUUID();
            await client.query('BEGIN');
            await client.query('INSERT INTO bench_business (id, payload) VALUES ($1, $2)', [id, payload]);
            await client.query(
              'INSERT INTO messaging_outbox (event_id, type, topic, key, payload, event_time) VALUES ($1, $2, $3, $4, $5, now())',
              [randomUUID(), 'bench', 'bench', id, payload],
            );
            await client.query('COMMIT');
            done++;
          }
        } finally {
          client.release();
        }
      }),
    );
    return done / ((performance.now() - started) / 1000);
  } finally {
    await pool.end();
  }
}

/** L_kafka: produce→consume messages per second of 1 KB JSON, batched, over a 3-partition topic. */
export async function measureKafkaLimit(brokers: string[], credentials: KafkaCredentials | undefined, { messages = 60_000, batchSize = 500 } = {}): Promise<number> {
  const kafka = new Kafka({ clientId: 'bench-raw', brokers, ...kafkaSasl(credentials), logLevel: logLevel.NOTHING });
  const topic = `bench.raw.${randomUUID()}`;
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const consumer = kafka.consumer({ groupId: `bench-raw-${randomUUID()}` });
  await Promise.all([admin.connect(), producer.connect(), consumer.connect()]);
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
    await consumer.subscribe({ topic, fromBeginning: true });
    const value = JSON.stringify({ type: 'bench', filler: 'x'.repeat(1000 - 30) });
    let consumed = 0;
    let resolveAll: () => void = () => undefined;
    const allConsumed = new Promise<void>((resolve) => (resolveAll = resolve));
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({
      eachBatch: async (payload) => {
        const { batch } = payload;
        consumed += batch.messages.length;
        const last = batch.messages[batch.messages.length - 1];
        if (last) payload.resolveOffset(last.offset);
        await payload.heartbeat();
        if (consumed >= messages) resolveAll();
      },
    });
    await joined; // the group join is a one-off cost, not throughput
    const started = performance.now();
    for (let sent = 0; sent < messages; sent += batchSize) {
      const count = Math.min(batchSize, messages - sent);
      await producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: count }, (_, i) => ({ key: String((sent + i) % 997), value })),
      });
    }
    await allConsumed;
    return messages / ((performance.now() - started) / 1000);
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}
