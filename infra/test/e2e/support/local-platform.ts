import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { builtFile, stateSubdir, type DemoAccountsFile } from '../../../src';
import { portAnswers } from '../../../src/net';

/** The offsets of every port `npm start` derives from RELAIS_PORT (services, identity, consumers processes of split services, metrics, local SMTP, its page and the SMS stand-in, PostgreSQL, Kafka). */
export const derivedPortOffsets = [0, 1, 2, 3, 4, 5, 9, 21, 22, 23, 24, 25, 31, 32, 33, 34, 35, 41, 42, 43, 44, 45, 1025, 1080, 1090, 7432, 11092, 11093] as const;

export interface LocalPlatform {
  /** http://127.0.0.1:<port>: the gateway, as a user's browser or curl reaches it. */
  origin: string;
  port: number;
  stateDir: string;
  logDir: string;
  accounts: DemoAccountsFile;
  /** Everything the orchestrator printed so far. */
  output(): string;
  child: ChildProcess;
  /** A superuser connection to one service's database, for tests that look inside. */
  adminDatabaseUrl(service: string): string;
  /** Ctrl-C, then the state folder is removed. */
  stop(): Promise<void>;
}

/** A base port whose derived ports are all free. */
export async function freeBasePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    const answers = await Promise.all(derivedPortOffsets.map((offset) => portAnswers(base + offset)));
    if (answers.every((answer) => !answer)) return base;
  }
  throw new Error('no free port range');
}

/**
 * `npm start` as a user runs it: the compiled orchestrator, its own PostgreSQL, Kafka and identity
 * provider in a state folder of its own, on a free port range; resolves once it says it is ready.
 */
export async function startLocalPlatform(label: string, env: Record<string, string> = {}, again?: Pick<LocalPlatform, 'port' | 'stateDir'>): Promise<LocalPlatform> {
  // The same state folder and ports as a platform started before (whose orchestrator was killed): tried once.
  if (again) return startOnce(label, env, again);
  // A port found free can be taken before the platform binds it (parallel suites, outgoing connections'
  // ephemeral ports; a service or the broker that finds its port taken says EADDRINUSE or "Address already
  // in use"): that start fails saying so, and another range is tried. Any other failure is final.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(label, env);
    } catch (error) {
      if (attempt >= 4 || !(error instanceof Error) || !/already in use|EADDRINUSE/i.test(error.message)) throw error;
    }
  }
}

async function startOnce(label: string, env: Record<string, string>, again?: Pick<LocalPlatform, 'port' | 'stateDir'>): Promise<LocalPlatform> {
  const port = again?.port ?? (await freeBasePort());
  const stateDir = again?.stateDir ?? stateSubdir('test', `e2e-${label}-${process.pid}`);
  // A folder prepared before the start (a restore, a platform killed earlier) is the test's: a failed start
  // (a port taken meanwhile, tried again on another range) must leave it as it was, never delete it.
  const prepared = readdirSync(stateDir).length > 0;
  const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', builtFile('infra/src/cli.js'), 'start'], {
    env: { PATH: process.env['PATH'] ?? '', RELAIS_PORT: String(port), RELAIS_STATE_DIR: stateDir, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    // Only a start that fails cleans up (what it created): once ready, the state folder is the test's (stop(), or a test that kills
    // the orchestrator and starts again on it).
    const failed = (code: number | null) => {
      clearInterval(timer);
      if (!prepared) rmSync(stateDir, { recursive: true, force: true });
      reject(new Error(`npm start exited with ${code}:\n${output}`));
    };
    const timer = setInterval(() => {
      if (output.includes('Relais est prêt')) {
        clearInterval(timer);
        child.off('exit', failed);
        resolve();
      }
    }, 100);
    child.once('exit', failed);
  });
  const accounts = JSON.parse(readFileSync(join(stateDir, 'demo-accounts.json'), 'utf8')) as DemoAccountsFile;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    stateDir,
    logDir: join(stateDir, 'logs'),
    accounts,
    output: () => output,
    child,
    adminDatabaseUrl: (service) => `postgres://postgres:relais-dev@127.0.0.1:${port + 7432}/relais_${service}`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
