import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { httpOk, waitUntil } from './net';
import { supervise, type Incarnation, type SupervisionPolicy } from './supervisor';
import { builtFile, repoRoot } from './state-dir';

export const serviceNames = ['directory', 'diagnostic', 'referral', 'notification', 'reporting'] as const;
export type ServiceName = (typeof serviceNames)[number];

export interface ServiceSpec {
  name: ServiceName;
  /**
   * RELAIS_SERVICE_ROLE of the process: `all` (the default) runs the whole service; a service split in
   * two runs an `api` process (behind the gateway) and a `consumers` process (its own port, probes only).
   */
  role?: 'all' | 'api' | 'consumers';
  /** Which of several processes of the same role (1, 2…): scaling tests run two `consumers` replicas. */
  replica?: number;
  port: number;
  /** Where the process serves Prometheus /metrics (METRICS_PORT); none when absent. */
  metricsPort?: number;
  env: Record<string, string>;
  logFile: string;
}

/** How a process is named in pids and messages: the service, or `<service>-<role>` for a split one. */
export function processLabel(spec: Pick<ServiceSpec, 'name' | 'role' | 'replica'>): string {
  const label = spec.role && spec.role !== 'all' ? `${spec.name}-${spec.role}` : spec.name;
  return spec.replica === undefined ? label : `${label}-${spec.replica}`;
}

export interface RunningServices {
  /** Process id by processLabel (referral, or referral-api and referral-consumers): the current one, after restarts. */
  pids(): Record<string, number>;
  stop(): Promise<void>;
}

export interface StartServicesOptions {
  timeoutMs?: number;
  /**
   * Folder of the processes' pid files. Services run in process groups of their own (a Ctrl-C reaches the
   * orchestrator only, which stops them in order), so an orchestrator killed with SIGKILL leaves them running:
   * the next start finds them here and stops them before it starts its own.
   */
  runDir?: string;
  /** Restart a process that exits on its own (npm start), saying so through `log`. */
  supervision?: { log: (message: string) => void; policy?: SupervisionPolicy };
}

/**
 * Starts the compiled services (this build's, see buildDir) as child processes, each in its own process group,
 * and waits until every one answers /health/ready. If one cannot start, the others are stopped.
 */
export async function startServices(specs: ServiceSpec[], options: StartServicesOptions = {}): Promise<RunningServices> {
  if (options.runDir) await stopLeftoverServices(options.runDir);
  const settled = await Promise.allSettled(specs.map((spec) => startService(spec, options)));
  const failure = settled.find((result) => result.status === 'rejected');
  if (failure) {
    await Promise.all(settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value.stop()] : [])));
    throw failure.reason;
  }
  const started = settled.map((result) => (result as PromiseFulfilledResult<ServiceIncarnation>).value);
  const current = new Map<string, ServiceIncarnation>();
  specs.forEach((spec, index) => {
    const incarnation = started[index];
    if (incarnation) current.set(processLabel(spec), incarnation);
  });
  const supervision = options.supervision;
  const stops = specs.map((spec, index) => {
    const first = started[index];
    if (!first) throw new Error(`no process for ${processLabel(spec)}`);
    if (!supervision) return () => first.stop();
    const label = processLabel(spec);
    const supervised = supervise(
      `le service ${label}`,
      first,
      async () => {
        const next = await startService(spec, options);
        current.set(label, next);
        return next;
      },
      { log: supervision.log, policy: supervision.policy, onGiveUp: () => supervision.log(`  son journal : ${spec.logFile}\n${tail(spec.logFile, 15)}`) },
    );
    return () => supervised.stop();
  });
  return {
    pids: () => Object.fromEntries([...current].map(([label, incarnation]) => [label, incarnation.pid])),
    stop: async () => {
      await Promise.all(stops.map((stop) => stop()));
    },
  };
}

interface ServiceIncarnation extends Incarnation {
  pid: number;
}

/** One process of a service, ready (its /health/ready answers), its pid file written. */
async function startService(spec: ServiceSpec, options: StartServicesOptions): Promise<ServiceIncarnation> {
  const label = processLabel(spec);
  const child = spawnService(spec);
  const pid = child.pid ?? -1;
  const pidFile = options.runDir ? join(options.runDir, `${label}.pid`) : undefined;
  if (pidFile) writeFileSync(pidFile, `${pid}\n`);
  const ended = exited(child);
  let stopped: Promise<void> | undefined;
  const incarnation: ServiceIncarnation = {
    pid,
    exited: ended.then(({ code, signal }) => (signal ? `signal ${signal}` : `code ${code}`)),
    stop: () =>
      (stopped ??= stopChild(child).finally(() => {
        if (pidFile) rmSync(pidFile, { force: true });
      })),
  };
  try {
    await Promise.race([
      waitUntil(`service ${label}`, () => httpOk(`http://127.0.0.1:${spec.port}/api/${spec.name}/health/ready`), {
        timeoutMs: options.timeoutMs ?? 90_000,
      }),
      ended.then(({ code, signal }) => {
        throw new Error(`le service ${label} s'est arrêté au démarrage (${signal ? `signal ${signal}` : `code ${code}`}) :\n${tail(spec.logFile)}`);
      }),
    ]);
  } catch (error) {
    await incarnation.stop();
    throw error;
  }
  return incarnation;
}

/**
 * Stops the processes an earlier orchestrator left (killed with SIGKILL: nothing stopped its services). A pid is
 * signalled only if it still runs a Relais service's main.js, so a pid the system has since given to another
 * process is left alone.
 */
export async function stopLeftoverServices(runDir: string): Promise<string[]> {
  mkdirSync(runDir, { recursive: true });
  const stopped: string[] = [];
  await Promise.all(
    readdirSync(runDir)
      .filter((file) => file.endsWith('.pid'))
      .map(async (file) => {
        const pidFile = join(runDir, file);
        const pid = Number(readFileSync(pidFile, 'utf8').trim());
        if (Number.isInteger(pid) && pid > 0 && commandLine(pid).some((arg) => arg.startsWith(repoRoot) && /\/services\/[a-z]+\/src\/main\.js$/.test(arg))) {
          stopped.push(file.replace(/\.pid$/, ''));
          await stopGroup(pid);
        }
        rmSync(pidFile, { force: true });
      }),
  );
  return stopped;
}

/** The arguments a live process was started with; empty if it is gone (or on a system without /proc). */
export function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

/** SIGTERM to a process group we did not start (no exit event to wait on): polls until it is gone, SIGKILL after the grace period. */
export async function stopGroup(pid: number, graceMs = 10_000): Promise<void> {
  signalGroup(pid, 'SIGTERM');
  for (const deadline = Date.now() + graceMs; Date.now() < deadline; await sleep(100)) {
    if (!alive(pid)) return;
  }
  signalGroup(pid, 'SIGKILL');
  for (const deadline = Date.now() + 5_000; alive(pid) && Date.now() < deadline; ) await sleep(100);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie (its parent, the dead orchestrator, reaped by init later) counts as gone.
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * Node settings of a service process, the same in deploy/Dockerfile (bench/README.md, "bench:memory", has the
 * measurements). V8 sizes a process's young generation after the machine's memory: up to 64 MB per semi-space
 * here, so a service at rest kept 128 MB of young generation of which it used about 25. With 16 MB semi-spaces
 * young collections come more often (their latency cost under load was not measured in this change: to check with
 * bench:handoff and bench:diagnostic). No `--max-old-space-size`: it caps, it does not shrink a heap at rest.
 * No `--enable-source-maps`: register.js
 * turns source maps on for Relais's own code only (libs/observability/src/source-maps.ts).
 */
export const serviceNodeFlags: readonly string[] = [
  '--max-semi-space-size=16',
  // The service collects before its port opens and when at rest, giving the memory back (libs/platform memory-release.ts).
  '--expose-gc',
  '--disable-warning=TimeoutNegativeWarning', // kafkajs 2.2.4 on Node 24 (kafkajs issue 1751), harmless
];

function spawnService(spec: ServiceSpec): ChildProcess {
  const log = createWriteStream(spec.logFile, { flags: 'a' });
  const child = spawn(
    process.execPath,
    [
      ...serviceNodeFlags,
      '--require',
      builtFile('libs/observability/src/register.js'),
      builtFile(`services/${spec.name}/src/main.js`),
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

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
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
