import { createServer, type Server } from 'node:http';
import { startGateway, type Gateway } from './gateway';
import { freePort } from './net';

/** An upstream that echoes which server answered and what it saw. */
async function upstream(name: string): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ name, method: req.method, url: req.url, body, forwardedHost: req.headers['x-forwarded-host'] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

describe('gateway: one origin for the APIs, the identity provider and the web app', () => {
  let gateway: Gateway;
  const servers: Server[] = [];

  beforeAll(async () => {
    const referral = await upstream('referral');
    const identity = await upstream('identity');
    const mail = await upstream('mail');
    servers.push(referral.server, identity.server, mail.server);
    gateway = await startGateway(await freePort(), {
      services: { referral: referral.port, directory: await freePort() /* nobody listens */ },
      identityPort: identity.port,
      mailPort: mail.port,
      homePage: () => '<h1>Relais</h1>',
    });
  });

  afterAll(async () => {
    await gateway.stop();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  it('forwards /api/<service>/… with the path, method and body unchanged', async () => {
    const response = await fetch(`${gateway.url}/api/referral/v1/referrals?box=sent`, { method: 'POST', body: '{"a":1}' });
    expect(await response.json()).toMatchObject({ name: 'referral', method: 'POST', url: '/api/referral/v1/referrals?box=sent', body: '{"a":1}' });
  });

  it('forwards /auth/… to the identity provider, keeping the issuer path', async () => {
    const response = await fetch(`${gateway.url}/auth/.well-known/openid-configuration`);
    expect(await response.json()).toMatchObject({ name: 'identity', url: '/auth/.well-known/openid-configuration' });
  });

  it('answers an unknown service with a 404 problem naming the services', async () => {
    const response = await fetch(`${gateway.url}/api/nowhere/v1/x`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(((await response.json()) as { detail: string }).detail).toMatch(/referral, directory/);
  });

  it('answers 502 problem+json when a service does not answer', async () => {
    const response = await fetch(`${gateway.url}/api/directory/v1/services`);
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ type: 'urn:relais:problem:dependency-unavailable' });
  });

  it('serves the home page at /', async () => {
    expect(await (await fetch(`${gateway.url}/`)).text()).toContain('Relais');
  });

  it('forwards /mail/… to the local mail page with the path unchanged', async () => {
    const response = await fetch(`${gateway.url}/mail/api/email`);
    expect(await response.json()).toMatchObject({ name: 'mail', url: '/mail/api/email' });
    expect((await fetch(`${gateway.url}/mailbox`)).status).toBe(404);
  });
});
