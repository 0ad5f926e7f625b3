import { randomUUID } from 'node:crypto';
import { eventDefinition, type EventPayload, type EventType } from '@relais/contracts';
import { fixturePublisher } from '@relais/messaging/testing';
import { testKafkaClient } from '@relais/testing';
import { Kafka, logLevel, Partitioners, type Consumer, type Producer } from 'kafkajs';

/**
 * Stand-ins for the other services in integration tests (the directory, the referral service): they
 * produce real CloudEvents records on Kafka (binary mode: `ce_*` headers, JSON value, aggregate key),
 * on the test's topic prefix, and read what the diagnostic publishes. kafkajs is used directly here
 * because several Nest apps with ambient transactions cannot share one process.
 */
export interface EventSource {
  publish<T extends EventType>(type: T, payload: EventPayload<T>): Promise<string>;
  /** Payloads of `type` read from its topic since the beginning. */
  received<T extends EventType>(type: T): Promise<Array<EventPayload<T>>>;
  stop(): Promise<void>;
}

export async function startEventSource(topicPrefix: string): Promise<EventSource> {
  const kafka = new Kafka({ clientId: `diagnostic-int-${randomUUID().slice(0, 8)}`, ...testKafkaClient(), logLevel: logLevel.NOTHING });
  const producer: Producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true });
  await producer.connect();
  const consumers: Consumer[] = [];
  const seen = new Map<string, unknown[]>();

  const listen = async (topic: string): Promise<unknown[]> => {
    const known = seen.get(topic);
    if (known) return known;
    const records: unknown[] = [];
    seen.set(topic, records);
    const consumer = kafka.consumer({ groupId: `diagnostic-int-reader-${randomUUID()}`, maxWaitTimeInMs: 100 });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        if (message.value) records.push(JSON.parse(message.value.toString('utf8')) as unknown);
        return Promise.resolve();
      },
    });
    return records;
  };

  return {
    publish: fixturePublisher(producer, topicPrefix),
    async received(type) {
      return (await listen(`${topicPrefix}${eventDefinition(type).topic}`)) as Array<EventPayload<typeof type>>;
    },
    async stop() {
      await Promise.all(consumers.map((c) => c.disconnect()));
      await producer.disconnect();
    },
  };
}
