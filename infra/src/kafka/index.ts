export { ensureKafkaJars, KAFKA_ADMIN_USER, startKafka, stopOrphanedBroker } from './kafka-broker';
export type { KafkaBroker, KafkaBrokerOptions, KafkaCredentials } from './kafka-broker';
export { startKafkaCluster, type KafkaCluster, type KafkaClusterOptions } from './kafka-cluster';
export { kafkaSasl, kafkaSaslEnvironment } from './kafka-client';
export { grantServiceAcls, serviceAcls, servicePrincipal, type AclGrant, type AclOperation } from './kafka-acls';
