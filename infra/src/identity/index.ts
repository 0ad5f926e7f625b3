export {
  RELAIS_API_AUDIENCE,
  RELAIS_API_RESOURCE,
  startIdentityProvider,
  type IdentityProvider,
  type IdentityProviderOptions,
} from './identity-provider';
