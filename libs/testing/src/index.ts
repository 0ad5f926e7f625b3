export { eventually } from './eventually';
export { createTestDatabase, serviceTestEnvironment, standInTarget, startTestService, uniqueTopicPrefix, type TestService } from './test-service';
export { testEnvNames, testInfrastructure, testKafkaClient, testMessaging, type TestInfrastructure, type TestMessaging } from './test-environment';
export { clientCredentialsToken, passwordLogin, type PasswordLoginTokens } from './token-client';
export { clientToken, userToken } from './tokens';
export { describeOpenApiDocument, redoclyLint, type OpenApiLintReport } from './openapi-lint';
export { messageIdsTo, slowSmtpProxy } from './mail-files';
