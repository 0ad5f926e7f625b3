export { eventually } from './eventually';
export { createTestDatabase, serviceTestEnvironment, startTestService, uniqueTopicPrefix, type TestService } from './test-service';
export { startTestInfrastructure, testDataDir, testInfrastructure, type TestInfrastructure } from './test-infrastructure';
export { clientToken, userToken } from './tokens';
