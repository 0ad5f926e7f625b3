import { randomUUID } from 'node:crypto';
import { testInfrastructure } from '@relais/testing';
import { Kafka, logLevel, Partitioners, type IHeaders, type KafkaMessage } from 'kafkajs';
import type { KafkaCredentials } from '../../src';

export interface RawRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

/** A raw client, as the privileged test principal unless told whom to sign in as (null: nobody). */
export function rawClient(brokers: string[], sasl: KafkaCredentials | null | undefined = testInfrastructure().kafkaSasl): Kafka {
  return new Kafka({ clientId: 'messaging-int-spec-raw', brokers, logLevel: logLevel.NOTHING, retry: { retries: 2 }, ...(sasl ? { sasl: { mechanism: 'scram-sha-512', ...sasl } } : {}) });
}

function text(message: KafkaMessage): Pick<RawRecord, 'key' | 'value' | 'headers'> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) headers[name] = last.toString();
  }
  return { key: message.key?.toString() ?? null, value: message.value?.toString() ?? null, headers };
}

/** Reads a topic from its start in a throw-away group until `enough` says so (or fails after a while). */
export async function readRecords(brokers: string[], topic: string, enough: (records: RawRecord[]) => boolean, timeoutMs = 20_000): Promise<RawRecord[]> {
  const consumer = rawClient(brokers).consumer({ groupId: `raw-reader-${randomUUID()}`, maxWaitTimeInMs: 200 });
  const records: RawRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${records.length} records read from ${topic}`)), timeoutMs);
      consumer
        .run({
          eachMessage: ({ partition, message }) => {
            records.push({ topic, partition, offset: message.offset, ...text(message) });
            if (enough(records)) {
              clearTimeout(timer);
              resolve();
            }
            return Promise.resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}

/** Produces records as a foreign or broken publisher would, bypassing the outbox. */
export async function produceRaw(
  brokers: string[],
  topic: string,
  messages: Array<{ key: string; value: string; headers: IHeaders }>,
  sasl?: KafkaCredentials,
): Promise<void> {
  const producer = rawClient(brokers, sasl ?? testInfrastructure().kafkaSasl).producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
}
