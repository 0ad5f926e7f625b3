export { demoAccountsFile, type DemoAccountsFile } from './demo-accounts-file';
export { startGateway, type Gateway } from './gateway';
export { grantServiceAcls, kafkaSasl, kafkaSaslEnvironment, serviceAcls, servicePrincipal, startKafka, type AclGrant, type KafkaBroker, type KafkaBrokerOptions, type KafkaCredentials } from './kafka';
export { provisionServiceDatabase, startInfrastructure, type Infrastructure, type InfrastructureOptions } from './infrastructure';
export { freePort, portAnswers, waitUntil } from './net';
export { databaseName, serviceEnvironment, startPlatform, type Platform } from './platform';
export { serviceNames, type ServiceName } from './service-processes';
export { appendOnlyOwner, databaseUrl, dropProvisionedDatabase, provisionDatabase } from './postgres';
export { buildDir, builtFile, repoRoot, stateDir, stateSubdir } from './state-dir';
