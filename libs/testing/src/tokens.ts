import { demoAccounts, type DemoAccounts } from '@relais/demo';
import { testInfrastructure } from './test-environment';
import { clientCredentialsToken, passwordLogin } from './token-client';

type Client = DemoAccounts['clients'][number];
type User = DemoAccounts['users'][number];

const cache = new Map<string, string>();

/** A real access token from the run's identity provider for the first demo client matching `pick`. */
export async function clientToken(pick: (client: Client) => boolean): Promise<{ token: string; client: Client }> {
  const client = demoAccounts().clients.find(pick);
  if (!client) throw new Error('no demo client matches');
  const key = `client:${client.clientId}`;
  let token = cache.get(key);
  if (!token) {
    token = await clientCredentialsToken(testInfrastructure().tokenEndpoint, client.clientId, client.clientSecret);
    cache.set(key, token);
  }
  return { token, client };
}

/** A real user access token, obtained through the authorization-code flow with the user's password. */
export async function userToken(pick: (user: User) => boolean): Promise<{ token: string; user: User }> {
  const user = demoAccounts().users.find(pick);
  if (!user) throw new Error('no demo user matches');
  const key = `user:${user.username}`;
  let token = cache.get(key);
  if (!token) {
    token = (await passwordLogin(testInfrastructure().oidcIssuer, user.username, user.password)).accessToken;
    cache.set(key, token);
  }
  return { token, user };
}
