import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePythonTools } from '../../src/deploy-tools';
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

  it('keeps a marked stage for the web app the gateway serves', () => {
    const text = readFileSync(join(repoRoot, 'deploy/Dockerfile'), 'utf8');
    expect(text).toContain('WEB APP (LEAD: point this stage');
    expect(stages.get('gateway')?.instructions).toContainEqual({ keyword: 'COPY', args: '--from=web /app/web-dist /srv' });
  });

  it('sends only sources to the build: no state, secrets or node_modules', () => {
    const ignore = readFileSync(join(repoRoot, '.dockerignore'), 'utf8').split('\n');
    expect(ignore[ignore.findIndex((line) => !line.startsWith('#'))]).toBe('**');
    expect(ignore.filter((line) => line.startsWith('!')).some((line) => /relais|node_modules|dist/.test(line))).toBe(false);
  });
});
