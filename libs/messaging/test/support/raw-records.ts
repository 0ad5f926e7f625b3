import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type IHeaders, type KafkaMessage } from 'kafkajs';

export interface RawRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

function client(brokers: string[]): Kafka {
  return new Kafka({ clientId: 'messaging-int-spec-raw', brokers, logLevel: logLevel.NOTHING });
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
  const consumer = client(brokers).consumer({ groupId: `raw-reader-${randomUUID()}`, maxWaitTimeInMs: 200 });
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
export async function produceRaw(brokers: string[], topic: string, messages: Array<{ key: string; value: string; headers: IHeaders }>): Promise<void> {
  const producer = client(brokers).producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
}
