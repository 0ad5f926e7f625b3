export { eventually } from './eventually';
export { createTestDatabase, serviceTestEnvironment, startTestService, uniqueTopicPrefix, type TestService } from './test-service';
export { startTestInfrastructure, testDataDir, testInfrastructure, type TestInfrastructure } from './test-infrastructure';
export { clientToken, userToken } from './tokens';
export { startTestPublisher, type TestPublisher } from './test-publisher';
export { DEMO_NETWORKS, DEMO_STRUCTURES } from '@relais/infra';
