import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { constants as vmConstants, runInThisContext } from 'node:vm';
import { DEMO_STRUCTURES, DEMO_USER_PASSWORD, demoAccounts, WEB_CLIENT_ID, type DemoAccounts } from '@relais/demo';
import { clientCredentialsToken, passwordLogin } from '@relais/testing';
import type * as JoseModule from 'jose';
import {
  RELAIS_API_AUDIENCE,
  startIdentityProvider,
  type IdentityProvider,
} from '../src/identity';
import { freePort } from '../src/net';

type Jose = typeof JoseModule;

/**
 * jose is ESM-only, and jest (without --experimental-vm-modules) can neither require nor import ESM;
 * a function compiled in Node's main context imports it through Node's own loader.
 */
async function loadJose(): Promise<Jose> {
  const nodeImport = runInThisContext('(url) => import(url)', {
    importModuleDynamically: vmConstants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  }) as (url: string) => Promise<Jose>;
  return nodeImport(pathToFileURL(require.resolve('jose')).href);
}

describe('development identity provider', () => {
  let accounts: DemoAccounts;
  let stateDir: string;
  let keysFile: string;
  let port: number;
  let issuer: string;
  let provider: IdentityProvider | undefined;
  let jose: Jose;

  const start = async (): Promise<void> => {
    provider = await startIdentityProvider({ issuer, port, accounts, keysFile });
  };

  const tokenEndpoint = (): string => {
    if (!provider) throw new Error('identity provider not started');
    return provider.tokenEndpoint;
  };

  const verify = async (token: string, audience = RELAIS_API_AUDIENCE): Promise<JoseModule.JWTPayload> => {
    // A fresh key set each time: after a restart it must be fetched again, as a restarted service would.
    const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { jwks_uri: string };
    const { payload } = await jose.jwtVerify(token, jose.createRemoteJWKSet(new URL(discovery.jwks_uri)), {
      issuer,
      audience,
      algorithms: ['RS256'],
    });
    return payload;
  };

  beforeAll(async () => {
    jose = await loadJose();
    accounts = demoAccounts();
    stateDir = mkdtempSync(join(tmpdir(), 'relais-idp-'));
    keysFile = join(stateDir, 'keys', 'jwks.json');
    port = await freePort();
    issuer = `http://127.0.0.1:${port}/auth`;
    await start();
  });

  afterAll(async () => {
    await provider?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('publishes its discovery document under the issuer path', async () => {
    const response = await fetch(`${issuer}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const discovery = (await response.json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({
      issuer,
      token_endpoint: tokenEndpoint(),
      authorization_endpoint: `${issuer}/auth`,
      jwks_uri: `${issuer}/jwks`,
    });
    expect(discovery['grant_types_supported']).toEqual(
      expect.arrayContaining(['authorization_code', 'client_credentials', 'refresh_token']),
    );
    expect(discovery['code_challenge_methods_supported']).toEqual(['S256']);
  });

  it('issues client-credentials JWTs carrying the client structure, networks and roles', async () => {
    const client = accounts.clients.find((candidate) => candidate.clientId === 'ccas-lorient-integration');
    if (!client) throw new Error('demo client ccas-lorient-integration missing');

    const token = await clientCredentialsToken(tokenEndpoint(), client.clientId, client.clientSecret);

    expect(jose.decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
    const claims = await verify(token);
    expect(claims).toMatchObject({
      iss: issuer,
      aud: RELAIS_API_AUDIENCE,
      sub: client.clientId,
      client_id: client.clientId,
      structure_id: DEMO_STRUCTURES.ccasLorient.id,
      network_ids: [DEMO_STRUCTURES.ccasLorient.networkId],
      department: '56',
      roles: ['integration'],
      scope: 'relais',
    });
    // The other claims RFC 9068 §2.2 requires of an access token.
    expect(claims).toEqual(expect.objectContaining({ exp: expect.any(Number), iat: expect.any(Number), jti: expect.any(String) }));
  });

  it('accepts client_secret_post too, and gives coordinators their network without a structure', async () => {
    const client = accounts.clients.find((candidate) => candidate.roles.includes('coordinator'));
    if (!client) throw new Error('no demo coordinator client');

    const response = await fetch(tokenEndpoint(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: client.clientId,
        client_secret: client.clientSecret,
      }),
    });
    expect(response.status).toBe(200);
    const { access_token: token } = (await response.json()) as { access_token: string };
    expect(await verify(token)).toMatchObject({
      structure_id: null,
      network_ids: client.networkIds,
      roles: ['coordinator'],
    });
  });

  it('refuses a wrong client secret', async () => {
    await expect(
      clientCredentialsToken(tokenEndpoint(), 'caf-vannes-integration', 'not-the-secret'),
    ).rejects.toThrow(/invalid_client/);
  });

  it('signs an agent in through the login page and issues a JWT for the agent structure', async () => {
    const agent = accounts.users.find((user) => user.username === 'agent.caf-vannes');
    if (!agent) throw new Error('demo agent agent.caf-vannes missing');

    const tokens = await passwordLogin(issuer, agent.username, agent.password);

    // RFC 9068: the access token says what it is; the ID token, signed by the same key, must not pass for one.
    expect(jose.decodeProtectedHeader(tokens.accessToken)).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
    expect(String(jose.decodeProtectedHeader(tokens.idToken).typ)).not.toMatch(/^(application\/)?at\+jwt$/i);
    expect(await verify(tokens.accessToken)).toMatchObject({
      exp: expect.any(Number),
      iat: expect.any(Number),
      jti: expect.any(String),
      iss: issuer,
      aud: RELAIS_API_AUDIENCE,
      sub: agent.username,
      client_id: WEB_CLIENT_ID,
      structure_id: DEMO_STRUCTURES.cafVannes.id,
      network_ids: [DEMO_STRUCTURES.cafVannes.networkId],
      department: '56',
      roles: ['agent'],
    });
    expect(await verify(tokens.idToken, WEB_CLIENT_ID)).toMatchObject({
      sub: agent.username,
      name: agent.displayName,
      structure_id: DEMO_STRUCTURES.cafVannes.id,
      roles: ['agent'],
    });

    // The web client can renew its access token without a new login.
    expect(tokens.refreshToken).toEqual(expect.any(String));
    const refreshed = await fetch(tokenEndpoint(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: WEB_CLIENT_ID,
        refresh_token: tokens.refreshToken ?? '',
      }),
    });
    expect(refreshed.status).toBe(200);
    const { access_token: renewed } = (await refreshed.json()) as { access_token: string };
    expect(jose.decodeProtectedHeader(renewed)).toMatchObject({ typ: 'at+jwt' });
    expect(await verify(renewed)).toMatchObject({ sub: agent.username, structure_id: DEMO_STRUCTURES.cafVannes.id });
  });

  it('refuses a wrong password with the login page message', async () => {
    await expect(passwordLogin(issuer, 'agent.caf-vannes', 'not-the-password')).rejects.toThrow(
      'login refused for agent.caf-vannes: Identifiant ou mot de passe incorrect.',
    );
    await expect(passwordLogin(issuer, 'nobody', DEMO_USER_PASSWORD)).rejects.toThrow(/Identifiant ou mot de passe incorrect/);
  });

  it('keeps its signing keys across a restart, so earlier tokens still verify', async () => {
    const token = await clientCredentialsToken(tokenEndpoint(), 'relais-admin', 'relais-admin-dev-secret');
    expect(statSync(keysFile).mode & 0o777).toBe(0o600);

    await provider?.stop();
    provider = undefined;
    await start();

    expect(await verify(token)).toMatchObject({ sub: 'relais-admin', roles: ['admin'] });
  });
});
