/**
 * The Kafka brokers a service uses, as its served AsyncAPI document names them. Provided by
 * libs/messaging (which depends on this lib, not the other way round); a service without messaging
 * serves the document with the `{broker}` placeholder.
 */
export const EVENT_BROKERS = Symbol('EVENT_BROKERS');

export interface EventBrokers {
  brokers: readonly string[];
  ssl: boolean;
}
