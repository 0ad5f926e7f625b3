import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serviceNames } from '../service-processes';

/**
 * What the fault suite kills, and where `npm start` keeps each one's pid (its pid files, written so a
 * later start can stop what a killed orchestrator left): each service, the identity provider (a child process
 * of its own, infra/src/identity/identity-process.ts), Kafka and PostgreSQL. The gateway lives in the
 * orchestrator's process: killing it is killing `npm start` (the supervision e2e does).
 */
export interface FaultTarget {
  name: string;
  pidFile: string;
  /**
   * Set for a broker that stays down (frozen with SIGSTOP for this long, then SIGCONT) rather than one that
   * dies: supervision would restart a dead one within seconds, while this is the minute-long outage in
   * which every 201 must wait in its outbox.
   */
  frozenForMs?: number;
}

export function faultTargets(stateDir: string, brokerDownMs = 60_000): FaultTarget[] {
  const kafkaPid = join(stateDir, 'data', 'kafka', 'kafka.pid');
  return [
    ...serviceNames.map((service) => ({ name: service, pidFile: join(stateDir, 'run', `${service}.pid`) })),
    { name: 'identity', pidFile: join(stateDir, 'data', 'identity.pid') },
    { name: 'kafka', pidFile: kafkaPid },
    // PostgreSQL's own pid file: its first line is the postmaster's pid.
    { name: 'postgres', pidFile: join(stateDir, 'data', 'postgres', 'postmaster.pid') },
    { name: 'kafka-down', pidFile: kafkaPid, frozenForMs: brokerDownMs },
  ];
}

export function pidOf(target: FaultTarget): number | undefined {
  if (!existsSync(target.pidFile)) return undefined;
  const pid = Number(readFileSync(target.pidFile, 'utf8').split('\n')[0]?.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** kill -9, as an OOM killer or a lost machine would: no shutdown hook runs. Answers the pid killed. */
export function killHard(target: FaultTarget): number {
  const pid = pidOf(target);
  if (pid === undefined) throw new Error(`${target.name}: no pid in ${target.pidFile}`);
  process.kill(pid, 'SIGKILL');
  return pid;
}

/** Freezes the process (SIGSTOP) for `ms`, then lets it go on (SIGCONT): down, but neither dead nor restarted. */
export async function freeze(target: FaultTarget, ms: number): Promise<number> {
  const pid = pidOf(target);
  if (pid === undefined) throw new Error(`${target.name}: no pid in ${target.pidFile}`);
  process.kill(pid, 'SIGSTOP');
  try {
    await new Promise((resolve) => setTimeout(resolve, ms));
  } finally {
    process.kill(pid, 'SIGCONT');
  }
  return pid;
}
