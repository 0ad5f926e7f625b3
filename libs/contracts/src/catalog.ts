import type { Static } from '@sinclair/typebox';
import { diagnosticEvents } from './diagnostic.events';
import { directoryEvents } from './directory.events';
import type { EventDefinition, Publisher } from './event-definition';
import { notificationEvents } from './notification.events';
import { referralEvents } from './referral.events';

const definitions = [
  ...Object.values(directoryEvents),
  ...Object.values(diagnosticEvents),
  ...Object.values(referralEvents),
  ...Object.values(notificationEvents),
];

type Definition = (typeof definitions)[number];

/** Every event of the platform by CloudEvents type. Publishing or handling is typed by this map. */
export type EventCatalog = { [D in Definition as D['type']]: D };
export type EventType = keyof EventCatalog;
export type EventPayload<T extends EventType> = Static<EventCatalog[T]['schema']>;

export const eventCatalog = Object.fromEntries(definitions.map((d) => [d.type, d])) as unknown as EventCatalog;

/** Every event type of the catalog, e.g. for a projection that counts them all. */
export const eventTypes = definitions.map((definition) => definition.type) as [EventType, ...EventType[]];

export function eventDefinition<T extends EventType>(type: T): EventCatalog[T] {
  return eventCatalog[type];
}

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(eventCatalog, type);
}

export interface TopicDefinition {
  name: string;
  /** Snapshot topics keep the last record per key forever; event topics keep a retention window. */
  compacted: boolean;
  partitions: number;
  retentionMs: number;
  publisher: EventDefinition['publisher'];
  eventTypes: EventType[];
}

const SNAPSHOT_SUFFIX = '.snapshot.v';

/** Topics derive from the catalog: snapshot topics are compacted, the others keep 30 days. */
export const topicCatalog: TopicDefinition[] = Object.values(
  definitions.reduce<Record<string, TopicDefinition>>((topics, definition) => {
    const topic = (topics[definition.topic] ??= {
      name: definition.topic,
      compacted: definition.type.includes(SNAPSHOT_SUFFIX),
      partitions: 6,
      retentionMs: 30 * 24 * 3600 * 1000,
      publisher: definition.publisher,
      eventTypes: [],
    });
    topic.eventTypes.push(definition.type);
    return topics;
  }, {}),
);

/**
 * The catalog topics a service publishes to, and those carrying an event it consumes: what its Kafka
 * principal may write, and read (the local broker's ACLs are made from this; docs/decisions/0003).
 */
export function serviceTopics(service: Publisher): { publishes: string[]; consumes: string[] } {
  return {
    publishes: topicCatalog.filter((topic) => topic.publisher === service).map((topic) => topic.name),
    consumes: [...new Set(definitions.filter((definition) => (definition.consumers as readonly Publisher[]).includes(service)).map((definition) => definition.topic))],
  };
}
