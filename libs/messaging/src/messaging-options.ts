export interface MessagingOptions {
  /** Service name: the CloudEvents source, the Kafka client id and the consumer group prefix. */
  service: string;
  brokers: string[];
  /** Prepended to every topic name so tests and départements can share one cluster. */
  topicPrefix?: string;
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');
