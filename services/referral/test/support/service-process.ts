import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

const repoRoot = resolve(__dirname, '../../../..');

/**
 * The referral service as a real process, compiled the way `infra/bin/relais` compiles it, with its
 * stdout and stderr captured: what an operator's log collector would receive.
 */
export interface ServiceProcess {
  url: string;
  /** Everything the process wrote so far. */
  logs(): string;
  stop(): Promise<void>;
}

/** Compiles libs and the referral service with swc into a folder of the clone (so node_modules resolves). */
export function buildService(): { dir: string; remove(): void } {
  const dir = join(repoRoot, '.relais', 'test-build', `referral-${process.pid}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const swc = spawnSync(join(repoRoot, 'node_modules/.bin/swc'), ['libs', 'services/referral', '-d', dir, '--quiet', '--config-file', '.swcrc'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (swc.status !== 0) throw new Error(`swc failed: ${swc.stderr}`);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

export async function startServiceProcess(buildDir: string, env: Record<string, string>): Promise<ServiceProcess> {
  const port = await freePort();
  const chunks: string[] = [];
  const child: ChildProcess = spawn(
    process.execPath,
    ['--require', join(buildDir, 'libs/observability/src/register.js'), join(buildDir, 'services/referral/src/main.js')],
    { cwd: repoRoot, env: { PATH: process.env['PATH'] ?? '', OTEL_SERVICE_NAME: 'relais-referral', ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  const url = `http://127.0.0.1:${port}/api/referral`;
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the service exited (${child.exitCode}):\n${chunks.join('')}`);
    try {
      if ((await fetch(`${url}/health/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the service did not become ready:\n${chunks.join('')}`);
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  return {
    url,
    logs: () => chunks.join(''),
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
