import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { httpOk, waitUntil } from '../net';
import { serviceNodeFlags, stopChild, stopGroup, tail } from '../service-processes';
import { builtFile, repoRoot } from '../state-dir';
import type { Incarnation } from '../supervisor';

export interface IdentityProcessOptions {
  issuer: string;
  port: number;
  webRedirectUris: string[];
  /** Its signing keys: made by the first incarnation, read by the next ones, so tokens issued before a restart still verify. */
  keysFile: string;
  pidFile: string;
  logFile: string;
  timeoutMs?: number;
}

export interface IdentityIncarnation extends Incarnation {
  pid: number;
  issuer: string;
  tokenEndpoint: string;
}

/**
 * The development identity provider (serve-identity.ts, the demo accounts) as a child process of its own,
 * in a process group of its own like the services: `npm start` supervises it (restarted with the same
 * backoff and messages when it dies) and the fault suite can kill it alone. Its keys live in `keysFile`;
 * its sessions and refresh tokens live in its memory, so a browser signs in again after a restart while
 * access tokens already issued (JWTs signed with the kept keys) stay valid until they expire.
 */
export async function startIdentityProcess(options: IdentityProcessOptions): Promise<IdentityIncarnation> {
  await stopOrphanedIdentityProvider(options.pidFile, options.keysFile);
  mkdirSync(dirname(options.logFile), { recursive: true });
  mkdirSync(dirname(options.pidFile), { recursive: true });
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const child: ChildProcess = spawn(process.execPath, [...serviceNodeFlags, builtFile('infra/src/identity/serve-identity.js')], {
    cwd: repoRoot,
    env: {
      PATH: process.env['PATH'] ?? '',
      IDENTITY_ISSUER: options.issuer,
      PORT: String(options.port),
      HOST: '127.0.0.1',
      IDENTITY_KEYS_FILE: options.keysFile,
      IDENTITY_WEB_REDIRECT_URIS: options.webRedirectUris.join(','),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: a Ctrl-C reaches the orchestrator only, which stops it in order.
    detached: true,
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const pid = child.pid ?? -1;
  writeFileSync(options.pidFile, `${pid}\n`);
  const ended = new Promise<string>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.signalCode ? `signal ${child.signalCode}` : `code ${child.exitCode}`);
    else child.once('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `code ${code}`));
  });
  let stopped: Promise<void> | undefined;
  const mountPath = new URL(options.issuer).pathname.replace(/\/+$/, '');
  const incarnation: IdentityIncarnation = {
    pid,
    issuer: options.issuer,
    tokenEndpoint: `${options.issuer}/token`,
    exited: ended,
    stop: () => (stopped ??= stopChild(child).finally(() => rmSync(options.pidFile, { force: true }))),
  };
  try {
    await Promise.race([
      waitUntil("fournisseur d'identité", () => httpOk(`http://127.0.0.1:${options.port}${mountPath}/.well-known/openid-configuration`), { timeoutMs: options.timeoutMs ?? 90_000 }),
      ended.then((how) => {
        throw new Error(`le fournisseur d'identité s'est arrêté au démarrage (${how}) :\n${tail(options.logFile)}`);
      }),
    ]);
  } catch (error) {
    await incarnation.stop();
    throw error;
  }
  return incarnation;
}

/**
 * What an orchestrator killed with SIGKILL left holding the port: stopped only if that pid still runs
 * serve-identity.js on these very keys (its environment says so), since pids are reused.
 */
export async function stopOrphanedIdentityProvider(pidFile: string, keysFile: string): Promise<boolean> {
  if (!existsSync(pidFile)) return false;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 0) return false;
  let ours = false;
  try {
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const environment = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    ours = commandLine.some((arg) => arg.endsWith('/infra/src/identity/serve-identity.js')) && environment.includes(`IDENTITY_KEYS_FILE=${keysFile}`);
  } catch {
    return false; // gone
  }
  if (ours) await stopGroup(pid);
  return ours;
}
