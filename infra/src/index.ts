export { demoAccountsFile, type DemoAccountsFile } from './demo-accounts-file';
export { startGateway, type Gateway } from './gateway';
export { clientCredentialsToken, DEMO_NETWORKS, DEMO_STRUCTURES, demoAccounts, passwordLogin, type DemoAccounts } from './identity';
export { startKafka, type KafkaBroker, type KafkaBrokerOptions } from './kafka';
export { startInfrastructure, type Infrastructure, type InfrastructureOptions } from './infrastructure';
export { freePort, portAnswers, waitUntil } from './net';
export { databaseName, localInstance, startPlatform, type Platform } from './platform';
export { serviceNames, type ServiceName } from './service-processes';
export { repoRoot, stateDir, stateSubdir } from './state-dir';
