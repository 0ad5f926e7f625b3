export { eventually } from './eventually';
export { createTestDatabase, serviceTestEnvironment, standInTarget, startTestService, uniqueTopicPrefix, type TestService } from './test-service';
export { startTestInfrastructure, testDataDir, testInfrastructure, testKafkaClient, type TestInfrastructure } from './test-infrastructure';
export { clientToken, userToken } from './tokens';
export { DEMO_NETWORKS, DEMO_STRUCTURES } from '@relais/infra';
