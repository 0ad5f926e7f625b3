import { randomUUID } from 'node:crypto';
import { assertValidPayload, eventDefinition, type EventPayload, type EventType } from '@relais/contracts';
import type { Producer } from 'kafkajs';
import { cloudEventHeaders, sourceOf, type CloudEventAttributes, type KafkaHeaders } from '../cloudevents';

/** A catalog event as a raw Kafka record, on its catalog topic (without the test's prefix). */
export interface CloudEventRecord {
  topic: string;
  key: string;
  value: string;
  headers: KafkaHeaders;
  /** The CloudEvents id (`ce_id`). */
  id: string;
}

/**
 * What the outbox relay writes for an event (CloudEvents binary mode: `ce_*` headers, the JSON payload as
 * the value, the aggregate id as key and subject), built from the same header code, for tests and
 * benchmarks that feed a consumer without its publisher. `attributes` forges one (another source, a time).
 */
export function cloudEventRecord<T extends EventType>(type: T, payload: EventPayload<T>, attributes: Partial<CloudEventAttributes> = {}): CloudEventRecord {
  const definition = eventDefinition(type);
  // The catalog's key function is typed per definition; the payload is one of this type's.
  const key = (definition.key as (payload: EventPayload<T>) => string)(payload);
  const id = attributes.id ?? randomUUID();
  return {
    topic: definition.topic,
    key,
    value: JSON.stringify(payload),
    headers: cloudEventHeaders({ id, source: sourceOf(definition.publisher), type, time: new Date(), subject: key, ...attributes }),
    id,
  };
}

/** One catalog event and its payload, typed together. */
export type Fixture = { [T in EventType]: [T, EventPayload<T>] }[EventType];

/**
 * Produces events straight to their topics under `topicPrefix`, as their publishers' relays would: the
 * stand-in for another service when a real outbox is not the point (see startStandInPublisher when it is).
 * Payloads are checked against the catalog first, so a fixture cannot drift from the contract unnoticed.
 * Returns the events' ids in order. Batches of 1 000 keep a benchmark's millions of records in memory bounds.
 */
export async function publishFixtures(producer: Producer, topicPrefix: string, fixtures: Iterable<Fixture>): Promise<string[]> {
  const ids: string[] = [];
  let batch = new Map<string, CloudEventRecord[]>();
  let size = 0;
  const flush = async () => {
    if (size === 0) return;
    const topicMessages = [...batch].map(([topic, records]) => ({ topic, messages: records.map(({ key, value, headers }) => ({ key, value, headers })) }));
    batch = new Map();
    size = 0;
    await producer.sendBatch({ acks: -1, topicMessages });
  };
  for (const [type, payload] of fixtures) {
    assertValidPayload(type, payload);
    const record = cloudEventRecord(type, payload);
    const topic = `${topicPrefix}${record.topic}`;
    const records = batch.get(topic) ?? [];
    records.push(record);
    batch.set(topic, records);
    ids.push(record.id);
    if (++size === 1000) await flush();
  }
  await flush();
  return ids;
}

/** `publishFixtures` one event at a time: `publish(type, payload)` resolves with its id once acknowledged. */
export function fixturePublisher(producer: Producer, topicPrefix: string): <T extends EventType>(type: T, payload: EventPayload<T>) => Promise<string> {
  return async (type, payload) => {
    const [id] = await publishFixtures(producer, topicPrefix, [[type, payload] as Fixture]);
    return id ?? '';
  };
}
