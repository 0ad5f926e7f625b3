export { ensureKafkaJars, startKafka } from './kafka-broker';
export type { KafkaBroker, KafkaBrokerOptions } from './kafka-broker';
