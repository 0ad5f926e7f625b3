export {
  DEMO_DEPARTMENT,
  DEMO_NETWORKS,
  DEMO_STRUCTURES,
  DEMO_USER_PASSWORD,
  demoAccounts,
  type DemoAccounts,
  type DemoClient,
  type DemoNetwork,
  type DemoStructure,
  type DemoUser,
  type Role,
  type StructureTypology,
} from './demo-accounts';
export {
  DEFAULT_WEB_REDIRECT_URIS,
  RELAIS_API_AUDIENCE,
  RELAIS_API_RESOURCE,
  RELAIS_API_SCOPE,
  WEB_CLIENT_ID,
  startIdentityProvider,
  type IdentityProvider,
  type IdentityProviderOptions,
} from './identity-provider';
export { clientCredentialsToken, passwordLogin, type PasswordLoginTokens } from './token-client';
