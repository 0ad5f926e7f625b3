import type { DemoAccounts } from '@relais/demo';

export interface DemoAccountsFile {
  issuer: string;
  tokenEndpoint: string;
  howToGetAToken: { clientCredentials: string; user: string };
  users: Array<{ username: string; password: string; displayName: string; structureId: string | null; networkIds: string[]; roles: string[] }>;
  clients: Array<{ clientId: string; clientSecret: string; description: string; structureId: string | null; networkIds: string[]; roles: string[] }>;
}

/**
 * `.relais/demo-accounts.json`: what end-to-end tests and the integrators' guide read to get a token
 * from the local identity provider. Dev-only credentials, never valid elsewhere.
 */
export function demoAccountsFile(
  identity: { oidcIssuer: string; tokenEndpoint?: string },
  accounts: DemoAccounts,
): DemoAccountsFile {
  const tokenEndpoint = identity.tokenEndpoint ?? `${identity.oidcIssuer}/token`;
  const example = accounts.clients.find((client) => client.roles.includes('integration')) ?? accounts.clients[0];
  return {
    issuer: identity.oidcIssuer,
    tokenEndpoint,
    howToGetAToken: {
      clientCredentials: `curl -s -u ${example?.clientId ?? 'CLIENT_ID'}:${example?.clientSecret ?? 'SECRET'} -d grant_type=client_credentials -d scope=relais ${tokenEndpoint}`,
      user: `Ouvrir ${identity.oidcIssuer}/auth?client_id=relais-web&response_type=code&scope=openid&redirect_uri=… (code + PKCE) et se connecter avec un des comptes ci-dessous.`,
    },
    users: accounts.users.map(({ username, password, displayName, structureId, networkIds, roles }) => ({
      username,
      password,
      displayName,
      structureId,
      networkIds,
      roles,
    })),
    clients: accounts.clients.map(({ clientId, clientSecret, description, structureId, networkIds, roles }) => ({
      clientId,
      clientSecret,
      description,
      structureId,
      networkIds,
      roles,
    })),
  };
}
