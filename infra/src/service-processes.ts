import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { httpOk, waitUntil } from './net';
import { repoRoot } from './state-dir';

export const serviceNames = ['directory', 'diagnostic', 'referral', 'notification', 'reporting'] as const;
export type ServiceName = (typeof serviceNames)[number];

export interface ServiceSpec {
  name: ServiceName;
  /**
   * RELAIS_SERVICE_ROLE of the process: `all` (the default) runs the whole service; a service split in
   * two runs an `api` process (behind the gateway) and a `consumers` process (its own port, probes only).
   */
  role?: 'all' | 'api' | 'consumers';
  port: number;
  /** Where the process serves Prometheus /metrics (METRICS_PORT); none when absent. */
  metricsPort?: number;
  env: Record<string, string>;
  logFile: string;
}

/** How a process is named in pids and messages: the service, or `<service>-<role>` for a split one. */
export function processLabel(spec: Pick<ServiceSpec, 'name' | 'role'>): string {
  return spec.role && spec.role !== 'all' ? `${spec.name}-${spec.role}` : spec.name;
}

export interface RunningServices {
  /** Process id by processLabel (referral, or referral-api and referral-consumers). */
  pids: Record<string, number>;
  stop(): Promise<void>;
}

/**
 * Starts the compiled services (dist/, built by the relais script) as child processes, each in its
 * own process group, and waits until every one answers /health/ready.
 */
export async function startServices(specs: ServiceSpec[], timeoutMs = 90_000): Promise<RunningServices> {
  const children = specs.map((spec) => ({ spec, child: spawnService(spec) }));
  const running: RunningServices = {
    pids: Object.fromEntries(children.map(({ spec, child }) => [processLabel(spec), child.pid ?? -1])),
    stop: () => stopAll(children.map(({ child }) => child)),
  };
  try {
    await Promise.all(
      children.map(({ spec, child }) =>
        Promise.race([
          waitUntil(`service ${processLabel(spec)}`, () => httpOk(`http://127.0.0.1:${spec.port}/api/${spec.name}/health/ready`), {
            timeoutMs,
          }),
          exited(child).then((code) => {
            throw new Error(`le service ${processLabel(spec)} s'est arrêté au démarrage (code ${code}) :\n${tail(spec.logFile)}`);
          }),
        ]),
      ),
    );
  } catch (error) {
    await running.stop();
    throw error;
  }
  return running;
}

function spawnService(spec: ServiceSpec): ChildProcess {
  const log = createWriteStream(spec.logFile, { flags: 'a' });
  const child = spawn(
    process.execPath,
    [
      '--enable-source-maps',
      '--disable-warning=TimeoutNegativeWarning', // kafkajs 2.2.4 on Node 24 (kafkajs issue 1751), harmless
      '--require',
      join(repoRoot, 'dist/libs/observability/src/register.js'),
      join(repoRoot, `dist/services/${spec.name}/src/main.js`),
    ],
    {
      cwd: repoRoot,
      env: {
        PATH: process.env['PATH'] ?? '',
        OTEL_SERVICE_NAME: `relais-${spec.name}`,
        ...spec.env,
        PORT: String(spec.port),
        ...(spec.metricsPort ? { METRICS_PORT: String(spec.metricsPort) } : {}),
        RELAIS_SERVICE_ROLE: spec.role ?? 'all',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return child;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function stopAll(children: ChildProcess[]): Promise<void> {
  await Promise.all(children.map((child) => stopChild(child)));
}

/** SIGTERM to the process group (graceful shutdown), SIGKILL after a grace period. */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const done = exited(child);
  signalGroup(child.pid, 'SIGTERM');
  const timer = setTimeout(() => child.pid && signalGroup(child.pid, 'SIGKILL'), graceMs);
  await done;
  clearTimeout(timer);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

export function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(pas de journal)';
  }
}
