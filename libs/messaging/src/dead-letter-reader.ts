import { randomUUID } from 'node:crypto';
import type { KafkaMessage } from 'kafkajs';
import type { RawHeaders } from './cloudevents';
import type { KafkaConnection } from './kafka-connection';

export interface DeadLetterRecord {
  /** Kafka name of the dead-letter topic. */
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: RawHeaders | undefined;
}

const READ_TIMEOUT_MS = 30_000;

/**
 * Reads dead-letter topics from their start to their current end. kafkajs only consumes through a
 * group, so a throw-away group (named after the service's, with a `.dead-letters-reader.` part)
 * reads them and is deleted afterwards; the service's own group and offsets are never touched.
 */
export async function readDeadLetterTopics(connection: KafkaConnection, topics: string[]): Promise<DeadLetterRecord[]> {
  if (topics.length === 0) return [];
  const admin = await connection.connectedAdmin();
  const ends = new Map<string, bigint>();
  for (const topic of topics) {
    for (const partition of await admin.fetchTopicOffsets(topic)) {
      if (BigInt(partition.high) > BigInt(partition.low)) ends.set(`${topic}:${partition.partition}`, BigInt(partition.high));
    }
  }
  if (ends.size === 0) return [];

  const groupId = `${connection.topics.groupId()}.dead-letters-reader.${randomUUID()}`;
  const consumer = connection.kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 500 });
  const records: DeadLetterRecord[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...new Set([...ends.keys()].map((key) => key.slice(0, key.lastIndexOf(':'))))], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`dead-letter topics not read within ${READ_TIMEOUT_MS / 1000} s`)), READ_TIMEOUT_MS);
      const remaining = new Set(ends.keys());
      const take = (topic: string, partition: number, message: KafkaMessage): void => {
        const key = `${topic}:${partition}`;
        const end = ends.get(key);
        if (end === undefined || BigInt(message.offset) >= end) return;
        records.push({ topic, partition, offset: message.offset, key: message.key, value: message.value, headers: message.headers });
        if (BigInt(message.offset) + 1n >= end) remaining.delete(key);
        if (remaining.size === 0) {
          clearTimeout(timer);
          resolve();
        }
      };
      consumer
        .run({
          eachMessage: ({ topic, partition, message }) => {
            take(topic, partition, message);
            return Promise.resolve();
          },
        })
        .catch((error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        });
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return records;
}
