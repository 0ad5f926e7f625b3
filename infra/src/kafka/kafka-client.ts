import type { KafkaCredentials } from './kafka-broker';

/**
 * The SASL part of a kafkajs client's settings (spread into `new Kafka({ … })`): SCRAM-SHA-512 as
 * `credentials`, or nothing for a cluster without authentication.
 */
export function kafkaSasl(credentials: KafkaCredentials | undefined): { sasl?: { mechanism: 'scram-sha-512'; username: string; password: string } } {
  return credentials ? { sasl: { mechanism: 'scram-sha-512', username: credentials.username, password: credentials.password } } : {};
}

/** The environment variables of a service signing in as `credentials` (none without). */
export function kafkaSaslEnvironment(credentials: KafkaCredentials | undefined): Record<string, string> {
  return credentials ? { KAFKA_SASL_USERNAME: credentials.username, KAFKA_SASL_PASSWORD: credentials.password } : {};
}
