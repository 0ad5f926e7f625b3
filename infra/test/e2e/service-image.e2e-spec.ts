import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientCredentialsToken, serviceTestEnvironment, testInfrastructure } from '@relais/testing';
import { demoAccounts } from '@relais/demo';
import { dropProvisionedDatabase } from '@relais/persistence';
import { Client } from 'pg';
import { freePort, waitUntil } from '../../src/net';
import { repoRoot } from '../../src/state-dir';
import { stopChild } from '../../src/service-processes';
import { dockerStages, type DockerStage } from '../support/dockerfile';

/**
 * The service image without Docker: dist/ run exactly as deploy/Dockerfile's `service` stage says (its
 * ENV, ENTRYPOINT and CMD, from a WORKDIR holding only dist/, node_modules/ and package.json, as /app
 * does), and its HEALTHCHECK command deciding whether it is healthy. The container's root filesystem is
 * read-only: the process must write nothing into its WORKDIR nor dist/ (only TMPDIR, a tmpfs there).
 */
describe('the service image, run outside Docker', () => {
  const stage = dockerStages().get('service') as DockerStage;
  const started = Date.now();
  let app: string;
  let scratch: string;
  const children: ChildProcess[] = [];

  beforeAll(() => {
    app = mkdtempSync(join(tmpdir(), 'relais-image-app-'));
    scratch = mkdtempSync(join(tmpdir(), 'relais-image-tmp-'));
    symlinkSync(join(repoRoot, 'dist'), join(app, 'dist'));
    symlinkSync(join(repoRoot, 'node_modules'), join(app, 'node_modules'));
    copyFileSync(join(repoRoot, 'package.json'), join(app, 'package.json'));
  });

  afterAll(async () => {
    await Promise.all(children.map((child) => stopChild(child)));
    rmSync(app, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  /** The container's environment: the image's ENV, then what compose or the chart sets. */
  async function containerEnv(service: string, settings: Record<string, string>): Promise<Record<string, string>> {
    const { env } = await serviceTestEnvironment(`image-${service}`);
    return {
      PATH: process.env['PATH'] ?? '',
      HOME: '/nonexistent',
      ...stage.env,
      TMPDIR: scratch,
      ...env,
      SERVICE: service,
      // Host ports stand in for the container's 8080 and 9464, which two containers would both have.
      PORT: String(await freePort()),
      METRICS_PORT: String(await freePort()),
      HOST: '127.0.0.1',
      ...settings,
    };
  }

  function run(env: Record<string, string>, args: string[] = []): ChildProcess {
    const [command = '', ...entryArgs] = stage.entrypoint ?? [];
    const child = spawn(command, [...entryArgs, ...(stage.cmd ?? []), ...args], { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    children.push(child);
    return child;
  }

  function healthy(env: Record<string, string>): boolean {
    const [command = '', ...args] = stage.healthcheck ?? [];
    return spawnSync(command, args, { cwd: app, env, timeout: 3_000 }).status === 0;
  }

  it('migrates as the migration Job runs it (the image with the argument `migrate`), then exits', async () => {
    const env = await containerEnv('referral', { REFERRAL_MASTER_KEY: randomBytes(32).toString('base64') });
    const child = run(env, ['migrate']);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect({ code, output }).toEqual({ code: 0, output: expect.stringMatching(/\[referral\] migrate : \S/) });
  });

  it('serves the API as `api`, is healthy by the image HEALTHCHECK, with metrics on METRICS_PORT', async () => {
    const env = await containerEnv('referral', { RELAIS_SERVICE_ROLE: 'api', REFERRAL_MASTER_KEY: randomBytes(32).toString('base64') });
    const child = run(env);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitUntil('referral image healthy', () => Promise.resolve(healthy(env)), { timeoutMs: 90_000 }).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${output}`);
    });
    const base = `http://127.0.0.1:${env['PORT']}/api/referral`;
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
    const client = demoAccounts().clients.find((c) => c.roles.includes('integration'));
    if (!client) throw new Error('no integration client');
    const token = await clientCredentialsToken(testInfrastructure().tokenEndpoint, client.clientId, client.clientSecret);
    expect((await fetch(`${base}/v1/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${env['METRICS_PORT']}/metrics`)).text();
    expect(metrics).toContain('role="api"');
  });

  it('runs only the workers as `consumers`: healthy, no API', async () => {
    const env = await containerEnv('notification', { RELAIS_SERVICE_ROLE: 'consumers' });
    run(env);
    await waitUntil('notification consumers healthy', () => Promise.resolve(healthy(env)), { timeoutMs: 90_000 });
    expect((await fetch(`http://127.0.0.1:${env['PORT']}/api/notification/v1/webhooks`)).status).toBe(404);
  });

  it('provisions databases and roles from the image, as compose and the chart do before migrating', async () => {
    const service = `image_check_${randomBytes(3).toString('hex')}`;
    const password = randomBytes(18).toString('hex');
    const admin = testInfrastructure().adminDatabaseUrl;
    const result = spawnSync('node', ['dist/libs/persistence/src/provisioning/provision-main.js'], {
      cwd: app,
      env: { PATH: process.env['PATH'] ?? '', ...stage.env, ADMIN_DATABASE_URL: admin, RELAIS_SERVICES: service, [`DATABASE_PASSWORD_${service.toUpperCase()}`]: password },
      encoding: 'utf8',
    });
    try {
      expect({ status: result.status, out: result.stdout }).toEqual({ status: 0, out: `[provision] relais_${service} : base et rôles à jour\n` });
      expect(result.stdout + result.stderr).not.toContain(password);
      // The service's own role reaches its database.
      const url = new URL(admin);
      Object.assign(url, { username: `relais_${service}`, password, pathname: `/relais_${service}` });
      const client = new Client({ connectionString: url.toString() });
      await client.connect();
      expect((await client.query<{ user: string }>('SELECT current_user AS user')).rows[0]?.user).toBe(`relais_${service}`);
      await client.end();
      // A missing password is named, and nothing is provisioned.
      const refused = spawnSync('node', ['dist/libs/persistence/src/provisioning/provision-main.js'], {
        cwd: app,
        env: { PATH: process.env['PATH'] ?? '', ADMIN_DATABASE_URL: admin, RELAIS_SERVICES: 'other' },
        encoding: 'utf8',
      });
      expect({ status: refused.status, err: refused.stderr }).toEqual({ status: 78, err: expect.stringContaining('DATABASE_PASSWORD_OTHER') });
    } finally {
      await dropProvisionedDatabase(admin, `relais_${service}`);
    }
  });

  it('writes nothing into its WORKDIR nor dist/ (the read-only root filesystem)', () => {
    expect(readdirSync(app).sort()).toEqual(['dist', 'node_modules', 'package.json']);
    const written: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir)) {
        const path = join(dir, entry);
        const stat = statSync(path);
        if (stat.isDirectory()) walk(path);
        else if (stat.mtimeMs >= started) written.push(path);
      }
    };
    walk(join(repoRoot, 'dist'));
    expect(written).toEqual([]);
  });
});
