import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePythonTools } from '../../src/deploy-tools';
import { webSecurityHeaders } from '../../src/gateway';
import { repoRoot } from '../../src/state-dir';
import { dockerStages } from '../support/dockerfile';

/**
 * deploy/Dockerfile, statically (no Docker engine here): hadolint finds nothing, and the images a
 * département runs are non-root, carry a health check and take the role as a setting. That dist/ runs
 * as the image's command says is infra/test/e2e/service-image.e2e-spec.ts.
 */
describe('deploy/Dockerfile', () => {
  const stages = dockerStages();

  it('is hadolint clean', () => {
    const { hadolint } = ensurePythonTools();
    const result = spawnSync(hadolint, ['--failure-threshold', 'info', join(repoRoot, 'deploy/Dockerfile')], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  }, 600_000);

  it('runs every image as a numeric non-root user, with a health check', () => {
    for (const name of ['service', 'gateway', 'dev-identity']) {
      const stage = stages.get(name);
      expect(stage).toBeDefined();
      expect(stage?.user).toMatch(/^[1-9]\d*:[1-9]\d*$/);
      expect(stage?.healthcheck?.length).toBeGreaterThan(0);
    }
  });

  it('takes the service and its role as settings, serves metrics on a port of their own, listens beyond loopback', () => {
    const service = stages.get('service');
    expect(service?.env).toMatchObject({ RELAIS_SERVICE_ROLE: 'all', HOST: '0.0.0.0', PORT: '8080', METRICS_PORT: '9464', NODE_ENV: 'production' });
    expect(service?.entrypoint?.join(' ')).toContain('dist/services/${SERVICE:?');
    expect(service?.entrypoint?.join(' ')).toContain('--require ./dist/libs/observability/src/register.js');
  });

  it('builds the web workspace as the local build does, and the gateway serves it with its settings and policy', () => {
    // The same Vite build as infra/src/web-build.ts, from services/web, into the folder the gateway copies.
    const web = stages.get('web')?.instructions ?? [];
    expect(web).toContainEqual({ keyword: 'WORKDIR', args: '/app/services/web' });
    expect(web.find((i) => i.keyword === 'RUN')?.args).toMatch(/node \/app\/node_modules\/vite\/bin\/vite\.js build --outDir \/app\/web-dist /);
    expect(readFileSync(join(repoRoot, 'infra/src/web-build.ts'), 'utf8')).toContain("'node_modules/vite/bin/vite.js'), 'build', '--outDir'");
    expect(stages.get('gateway')?.instructions).toContainEqual({ keyword: 'COPY', args: '--from=web /app/web-dist /srv' });
    // /web-config.json: written from RELAIS_WEB_CONFIG by the image's command (required), served from there by Caddy.
    const command = stages.get('gateway')?.cmd?.join(' ') ?? '';
    expect(command).toContain('${RELAIS_WEB_CONFIG:?');
    expect(command).toContain('> /tmp/relais-web/web-config.json && exec caddy run --config /etc/caddy/Caddyfile');
    const caddyfile = readFileSync(join(repoRoot, 'deploy/gateway/Caddyfile'), 'utf8');
    // …where the Caddyfile serves it from by default (caddy.deploy-spec.ts runs the Caddyfile itself).
    expect(caddyfile).toMatch(/handle \/web-config\.json \{\s*root \* \{\$RELAIS_WEB_CONFIG_DIR:\/tmp\/relais-web\}/);
    expect(caddyfile).toContain('root * {$RELAIS_WEB_ROOT:/srv}');
    // The web app's Content-Security-Policy is the local gateway's, the issuer's origin in place of the variable.
    const issuer = 'https://sso.example.fr';
    const csp = /header Content-Security-Policy "([^"]+)"/.exec(caddyfile)?.[1]?.replaceAll('{$RELAIS_ISSUER_ORIGIN:}', issuer);
    expect(csp).toBe(webSecurityHeaders({ root: () => '/srv', config: {}, connectOrigins: [issuer] })['content-security-policy']);
  });

  it('sends only sources to the build: no state, secrets or node_modules', () => {
    const ignore = readFileSync(join(repoRoot, '.dockerignore'), 'utf8').split('\n');
    expect(ignore[ignore.findIndex((line) => !line.startsWith('#'))]).toBe('**');
    expect(ignore.filter((line) => line.startsWith('!')).some((line) => /relais|node_modules|dist/.test(line))).toBe(false);
  });
});
