import { spawnSync } from 'node:child_process';
import { clientCredentialsToken, passwordLogin } from '@relais/testing';
import { serviceNames, type DemoAccountsFile } from '../../src';
import { portAnswers } from '../../src/net';
import { derivedPortOffsets, startLocalPlatform, type LocalPlatform } from './support/local-platform';

// `npm start` as a user runs it (the compiled orchestrator, its own PostgreSQL, Kafka and identity
// provider in a state folder of its own), then Ctrl-C.
describe('npm start', () => {
  let platform: LocalPlatform;
  let base: string;
  let accounts: DemoAccountsFile;

  beforeAll(async () => {
    platform = await startLocalPlatform('start');
    base = platform.origin;
    accounts = platform.accounts;
  }, 240_000);

  afterAll(() => platform?.stop());

  it('serves every service healthy and ready through the one origin', async () => {
    for (const name of serviceNames) {
      const live = await fetch(`${base}/api/${name}/health`);
      expect(live.status).toBe(200);
      const ready = await fetch(`${base}/api/${name}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready', checks: { postgres: { status: 'up' }, kafka: { status: 'up' } } });
      expect((await fetch(`${base}/api/${name}/openapi.json`)).status).toBe(200);
      expect((await fetch(`${base}/api/${name}/docs`)).status).toBe(200);
    }
  });

  it('writes the demo accounts, with the identity provider under /auth', async () => {
    expect(accounts.issuer).toBe(`${base}/auth`);
    expect(accounts.tokenEndpoint.startsWith(`${base}/auth/`)).toBe(true);
    expect(accounts.users.some((u) => u.roles.includes('admin'))).toBe(true);
    expect(accounts.clients.some((c) => c.roles.includes('admin'))).toBe(true);
    const integrationNetworks = new Set(accounts.clients.filter((c) => c.roles.includes('integration')).flatMap((c) => c.networkIds));
    expect(integrationNetworks.size).toBeGreaterThanOrEqual(2);
    const discovery = (await (await fetch(`${base}/auth/.well-known/openid-configuration`)).json()) as { issuer: string };
    expect(discovery.issuer).toBe(accounts.issuer);
  });

  it('accepts a client-credentials token on every service and shows what it grants', async () => {
    const client = accounts.clients.find((c) => c.roles.includes('integration'));
    if (!client) throw new Error('no integration client');
    const token = await clientCredentialsToken(accounts.tokenEndpoint, client.clientId, client.clientSecret);
    for (const name of serviceNames) {
      const response = await fetch(`${base}/api/${name}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ structureId: client.structureId, networkIds: client.networkIds, roles: client.roles });
    }
  });

  it('lets a demo user log in through the real authorization-code flow', async () => {
    const user = accounts.users.find((u) => u.roles.includes('agent'));
    if (!user) throw new Error('no agent');
    const { accessToken } = await passwordLogin(accounts.issuer, user.username, user.password);
    const response = await fetch(`${base}/api/referral/v1/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(await response.json()).toMatchObject({ structureId: user.structureId, roles: user.roles });
  });

  it('answers 401 problem+json without a token or with a forged one', async () => {
    for (const name of serviceNames) {
      for (const headers of [{}, { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' }]) {
        const response = await fetch(`${base}/api/${name}/v1/me`, { headers });
        expect(response.status).toBe(401);
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(await response.json()).toMatchObject({ type: 'urn:relais:problem:unauthenticated', status: 401 });
      }
    }
  });

  it('seeds the demo département: every demo account belongs to a structure and network of the directory', async () => {
    const networks = (await (await fetch(`${base}/api/directory/v1/networks`)).json()) as Array<{ id: string }> | { items: Array<{ id: string }> };
    const networkIds = new Set((Array.isArray(networks) ? networks : networks.items).map((n) => n.id));
    expect(networkIds.size).toBe(7);
    const structureIds = new Set([...accounts.users, ...accounts.clients].map((a) => a.structureId).filter((id): id is string => id !== null));
    for (const id of structureIds) expect((await fetch(`${base}/api/directory/v1/structures/${id}`)).status).toBe(200);
    for (const id of [...accounts.users, ...accounts.clients].flatMap((a) => a.networkIds)) expect(networkIds.has(id)).toBe(true);
    const search = await fetch(`${base}/api/directory/v1/services?role=faire-a-la-place&commune=56260&radiusKm=30&limit=5`);
    expect(search.status).toBe(200);
  });

  it('answers 403 for a missing role and 400 naming an unknown field, as problem+json', async () => {
    const integration = accounts.clients.find((c) => c.roles.includes('integration'));
    const admin = accounts.clients.find((c) => c.roles.includes('admin'));
    if (!integration || !admin) throw new Error('demo clients missing');
    const body = JSON.stringify({ name: 'Réseau test', colour: 'bleu' });
    const asIntegration = await fetch(`${base}/api/directory/v1/networks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await clientCredentialsToken(accounts.tokenEndpoint, integration.clientId, integration.clientSecret)}`, 'content-type': 'application/json' },
      body,
    });
    expect(asIntegration.status).toBe(403);
    expect(await asIntegration.json()).toMatchObject({ type: 'urn:relais:problem:forbidden', status: 403 });
    const asAdmin = await fetch(`${base}/api/directory/v1/networks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await clientCredentialsToken(accounts.tokenEndpoint, admin.clientId, admin.clientSecret)}`, 'content-type': 'application/json' },
      body,
    });
    expect(asAdmin.status).toBe(400);
    expect(asAdmin.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await asAdmin.json()) as { type: string; errors: Array<{ field: string }> };
    expect(problem.type).toBe('urn:relais:problem:validation-error');
    expect(problem.errors.map((e) => e.field)).toContain('colour');
  });

  it('serves the local mail page at /mail/ and seeds demo structures with referral mailboxes', async () => {
    const page = await fetch(`${base}/mail/index.html`);
    expect(page.status).toBe(200);
    expect(await (await fetch(`${base}/mail/api/email`)).json()).toEqual(expect.any(Array));
    const user = accounts.users.find((u) => u.roles.includes('agent') && u.structureId);
    if (!user) throw new Error('no agent');
    const { accessToken } = await passwordLogin(accounts.issuer, user.username, user.password);
    const response = await fetch(`${base}/api/directory/v1/structures/${user.structureId}`, { headers: { authorization: `Bearer ${accessToken}` } });
    const view = (await response.json()) as { referralEmail: string | null };
    expect(view.referralEmail).toMatch(/^orientations\.[a-z0-9-]+@demo-morbihan\.example$/);
  });

  it('answers an unknown service or route with a 404 problem', async () => {
    expect((await fetch(`${base}/api/nowhere/v1/x`)).status).toBe(404);
    const response = await fetch(`${base}/api/directory/v1/does-not-exist`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('stops every process it started on Ctrl-C', async () => {
    await platform.stop();
    expect(platform.child.exitCode).toBe(0);
    const ports = derivedPortOffsets.map((offset) => platform.port + offset);
    expect(await Promise.all(ports.map((p) => portAnswers(p)))).toEqual(ports.map(() => false));
    const leftovers = spawnSync('pgrep', ['-f', platform.stateDir], { encoding: 'utf8' }).stdout.trim();
    expect(leftovers).toBe('');
  });
});
