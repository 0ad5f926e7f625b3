import type { Static, TSchema } from '@sinclair/typebox';

export type Publisher = 'directory' | 'diagnostic' | 'referral' | 'notification' | 'reporting';

/**
 * One event of the catalog. `type` and `topic` are frozen once published: a breaking change is a new
 * version (…v2) published beside the old one, never an edit in place.
 */
export interface EventDefinition<T extends string = string, S extends TSchema = TSchema> {
  /** CloudEvents type: fr.relais.<service>.<entity>.<verb>.v<N> */
  type: T;
  /** Kafka topic: relais.<service>.<entity>.v<N> */
  topic: string;
  /** JSON Schema of the payload; the TypeScript type is derived from it. */
  schema: S;
  /** The record key and CloudEvents subject: the aggregate id, so one aggregate's events stay ordered. */
  key: (payload: Static<S>) => string;
  publisher: Publisher;
  consumers: Publisher[];
  /** What happened, in the field's words (French), for the catalog page and AsyncAPI. */
  summary: string;
}

const typePattern = /^fr\.relais\.(directory|diagnostic|referral|notification|reporting)\.[a-z-]+\.[a-z-]+\.v[1-9]\d*$/;
const topicPattern = /^relais\.(directory|diagnostic|referral|notification|reporting)\.[a-z-]+\.v[1-9]\d*$/;

export function defineEvent<const T extends string, S extends TSchema>(definition: EventDefinition<T, S>): EventDefinition<T, S> {
  if (!typePattern.test(definition.type)) throw new Error(`event type ${definition.type} breaks fr.relais.<service>.<entity>.<verb>.v<N>`);
  if (!topicPattern.test(definition.topic)) throw new Error(`topic ${definition.topic} breaks relais.<service>.<entity>.v<N>`);
  const [, typeService] = definition.type.split('.').slice(1);
  if (definition.topic.split('.')[1] !== typeService || typeService !== definition.publisher) {
    throw new Error(`event ${definition.type}: topic and publisher must be of the same service`);
  }
  return definition;
}
