import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

describe('gateway: the web workspace at /', () => {
  let gateway: Gateway;
  let build: string;
  let upstreamServer: Server;
  const outlines = join(tmpdir(), `relais-gateway-spec-communes-${process.pid}.geojson`);

  beforeAll(async () => {
    build = mkdtempSync(join(tmpdir(), 'relais-web-build-'));
    mkdirSync(join(build, 'assets'));
    writeFileSync(join(build, 'index.html'), '<!doctype html><title>app</title>');
    writeFileSync(join(build, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(join(build, 'favicon.svg'), '<svg/>');
    writeFileSync(outlines, '{"type":"FeatureCollection","features":[]}');
    const referral = await upstream('referral');
    upstreamServer = referral.server;
    gateway = await startGateway(await freePort(), {
      services: { referral: referral.port },
      web: {
        root: () => build,
        config: { issuer: 'https://auth.example.fr', brand: { operatorName: 'Département test' } },
        overrides: { '/geo/communes.geojson': outlines },
        connectOrigins: ['https://auth.example.fr'],
      },
    });
  });

  afterAll(async () => {
    await gateway.stop();
    await new Promise((resolve) => upstreamServer.close(resolve));
    rmSync(build, { recursive: true, force: true });
    rmSync(outlines, { force: true });
  });

  it('serves index.html for the app\'s own paths (SPA fallback), revalidated, with a self-only CSP', async () => {
    for (const path of ['/', '/orientations/recues?retard=1', '/annuaire/services/abc']) {
      const response = await fetch(`${gateway.url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('content-security-policy')).toMatch(/default-src 'self'.*connect-src 'self' https:\/\/auth\.example\.fr/);
      expect(await response.text()).toContain('<title>app</title>');
    }
  });

  it('serves an action link\'s page (its token has a dot) and asks that it send no Referer, its address holding the token', async () => {
    const link = await fetch(`${gateway.url}/orientations/lien/eyJ0b2tlbiI6dHJ1ZX0.c2ln`);
    expect(link.status).toBe(200);
    expect(link.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await link.text()).toContain('<title>app</title>');
    expect((await fetch(`${gateway.url}/orientations/recues`)).headers.get('referrer-policy')).toBe('same-origin');
  });

  it('caches hashed assets for a year, with their content type', async () => {
    const response = await fetch(`${gateway.url}/assets/index-abc123.js`);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await response.text()).toBe('console.log(1)');
  });

  it('answers a missing file with a 404 problem, not the app', async () => {
    const response = await fetch(`${gateway.url}/assets/missing.js`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });

  it('never serves a file outside the build', async () => {
    const secret = join(build, '..', `relais-gateway-secret-${process.pid}`);
    writeFileSync(secret, 'not-for-the-web');
    try {
      const name = `relais-gateway-secret-${process.pid}`;
      for (const path of [`/..%2f${name}`, `/%2e%2e/${name}`, `/assets/..%2f..%2f${name}`, `/assets/%2e%2e%5c..%5c${name}`]) {
        const response = await fetch(`${gateway.url}${path}`);
        expect(await response.text()).not.toContain('not-for-the-web');
      }
    } finally {
      rmSync(secret, { force: true });
    }
    expect((await fetch(`${gateway.url}/%E0%A4%A`)).status).toBe(400);
  });

  it('serves the instance settings and the département\'s outlines in place of the build\'s', async () => {
    const config = await fetch(`${gateway.url}/web-config.json`);
    expect(config.headers.get('cache-control')).toBe('no-store');
    expect(await config.json()).toMatchObject({ brand: { operatorName: 'Département test' } });
    const geo = await fetch(`${gateway.url}/geo/communes.geojson`);
    expect(geo.headers.get('content-type')).toBe('application/geo+json');
    expect(await geo.json()).toEqual({ type: 'FeatureCollection', features: [] });
  });

  it('still forwards the APIs, and POST to an app path is not the app', async () => {
    expect(await (await fetch(`${gateway.url}/api/referral/v1/me`)).json()).toMatchObject({ name: 'referral' });
    expect((await fetch(`${gateway.url}/annuaire`, { method: 'POST' })).status).toBe(404);
  });
});
