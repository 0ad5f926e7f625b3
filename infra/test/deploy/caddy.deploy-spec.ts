import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@relais/testing';
import { ensureCaddy, toolVersions } from '../../src/deploy-tools';
import { webSecurityHeaders } from '../../src/gateway';
import { freePort } from '../../src/net';
import { repoRoot } from '../../src/state-dir';

/**
 * deploy/gateway/Caddyfile run by the real Caddy, at the gateway image's version (built once into the tool
 * cache), as the Helm chart runs it: plain HTTP behind an ingress. The upstreams are a stand-in HTTP
 * server; the web app is a small folder shaped like the Vite build. Checks what the local gateway
 * (infra/src/gateway.ts) does on the same paths, so the two origins behave alike.
 */
describe(`deploy/gateway/Caddyfile under Caddy ${toolVersions.caddy}`, () => {
  const issuer = 'https://sso.example.fr';
  let dir: string;
  let upstream: Server;
  let caddy: ChildProcess | undefined;
  let origin: string;
  let output = '';
  const upstreamSaw: string[] = [];

  beforeAll(async () => {
    const binary = ensureCaddy();
    dir = mkdtempSync(join(tmpdir(), 'relais-caddy-'));
    const web = join(dir, 'srv');
    mkdirSync(join(web, 'assets'), { recursive: true });
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>Relais</title><div id="root"></div>');
    writeFileSync(join(web, 'assets', 'index-abc123.js'), 'console.log("relais")');
    const settings = join(dir, 'web-config');
    mkdirSync(settings);
    // What the image's command writes from RELAIS_WEB_CONFIG.
    writeFileSync(join(settings, 'web-config.json'), JSON.stringify({ issuer: `${issuer}/realms/relais`, brand: { operatorName: 'Département du Morbihan' } }));

    upstream = createServer((req, res) => {
      upstreamSaw.push(`${req.method} ${req.url} xff=${String(req.headers['x-forwarded-for'] ?? '')}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ upstream: req.url }));
    });
    const upstreamPort = await freePort();
    await new Promise<void>((resolve) => upstream.listen(upstreamPort, '127.0.0.1', resolve));
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'],
      HOME: dir,
      XDG_DATA_HOME: join(dir, 'data'),
      XDG_CONFIG_HOME: join(dir, 'config'),
      RELAIS_SITE_ADDRESS: `:${port}`,
      RELAIS_TLS: 'off',
      RELAIS_HTTP_PORT: String(port),
      RELAIS_HTTPS_PORT: String(await freePort()),
      RELAIS_ADMIN_ADDRESS: `127.0.0.1:${await freePort()}`,
      RELAIS_WEB_ROOT: web,
      RELAIS_WEB_CONFIG_DIR: settings,
      RELAIS_ISSUER_ORIGIN: issuer,
      ...Object.fromEntries(['DIRECTORY', 'DIAGNOSTIC', 'REFERRAL', 'NOTIFICATION', 'REPORTING', 'IDENTITY'].map((name) => [`RELAIS_UPSTREAM_${name}`, `127.0.0.1:${upstreamPort}`])),
    };
    caddy = spawn(binary, ['run', '--config', join(repoRoot, 'deploy/gateway/Caddyfile'), '--adapter', 'caddyfile'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    caddy.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    caddy.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await eventually(async () => {
      if (caddy?.exitCode !== null) throw new Error(`caddy exited (${String(caddy?.exitCode)}):\n${output}`);
      expect((await fetch(`${origin}/web-config.json`)).status).toBe(200);
    }, { timeoutMs: 60_000, intervalMs: 200 });
  }, 30 * 60_000);

  afterAll(async () => {
    caddy?.kill('SIGTERM');
    await new Promise<void>((resolve) => upstream?.close(() => resolve()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves the instance settings written by the image, never cached', async () => {
    const response = await fetch(`${origin}/web-config.json`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toMatchObject({ brand: { operatorName: 'Département du Morbihan' } });
  });

  it("serves the app's pages with the local gateway's policy, an action link without any Referer", async () => {
    const expected = webSecurityHeaders({ root: () => '', config: {}, connectOrigins: [issuer] })['content-security-policy'];
    for (const path of ['/', '/orientations/recues', '/orientations/lien/a1b2.eyJyIjoiMSJ9.c2ln']) {
      const response = await fetch(`${origin}${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      expect(await response.text()).toContain('<div id="root"></div>');
      expect(response.headers.get('content-security-policy')).toBe(expected);
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('caches content-named assets for a year', async () => {
    const response = await fetch(`${origin}/assets/index-abc123.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('routes each API to its service, and an unknown one nowhere', async () => {
    for (const service of ['directory', 'diagnostic', 'referral', 'notification', 'reporting']) {
      const response = await fetch(`${origin}/api/${service}/v1/health?x=1`);
      expect({ service, status: response.status }).toEqual({ service, status: 200 });
      expect(await response.json()).toEqual({ upstream: `/api/${service}/v1/health?x=1` });
    }
    expect((await fetch(`${origin}/api/metrics`)).status).toBe(404);
    expect(upstreamSaw.every((line) => line.includes('xff=127.0.0.1'))).toBe(true);
  });
});
