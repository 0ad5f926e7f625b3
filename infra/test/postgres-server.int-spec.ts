import { execFileSync, spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Client } from 'pg';
import { databaseUrl, dropDatabase, ensureDatabase, startPostgres, type PostgresServer } from '../src/postgres';
import { repoRoot, stateSubdir } from '../src/state-dir';

/* A real server, no mocks: initdb, start, restart on the same data dir, process clean-up. */

const root = stateSubdir('test', `postgres-server-${process.pid}-${Date.now()}`);
const dataDir = join(root, 'data');
let port = 0;
let server: PostgresServer | undefined;

beforeAll(async () => {
  port = await freePort();
});

afterAll(async () => {
  await server?.stop();
  // After a failed test, a server may still hold the data dir: never leave it running.
  for (const pid of pgrep(dataDir)) process.kill(pid, 'SIGQUIT');
  rmSync(root, { recursive: true, force: true });
});

test('initialises a cluster and starts it on 127.0.0.1', async () => {
  const started = performance.now();
  server = await startPostgres({ dataDir, port, fast: true });
  const coldMs = performance.now() - started;
  console.log(`cold start (initdb + start): ${coldMs.toFixed(0)} ms`);

  expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
  expect(server.port).toBe(port);
  expect(server.adminUrl).toBe(`postgres://postgres:relais-dev@127.0.0.1:${port}/postgres`);
  const settings = await query<{ name: string; setting: string }>(
    server.adminUrl,
    `SELECT name, setting FROM pg_settings
      WHERE name IN ('listen_addresses', 'max_connections', 'server_encoding', 'fsync', 'unix_socket_directories', 'TimeZone')`,
  );
  expect(Object.fromEntries(settings.map((row) => [row.name, row.setting]))).toEqual({
    listen_addresses: '127.0.0.1',
    max_connections: '200',
    server_encoding: 'UTF8',
    fsync: 'off',
    unix_socket_directories: '',
    TimeZone: 'UTC',
  });
  const log = readFileSync(join(root, 'postgres.log'), 'utf8');
  expect(log).toContain('database system is ready to accept connections');
  // Only the admin connects to the maintenance databases: a service role has nowhere to DROP its own from.
  const open = await query(server.adminUrl, `SELECT datname FROM pg_database WHERE datallowconn AND has_database_privilege('public', oid, 'CONNECT')`);
  expect(open).toEqual([]);
});

test('reports the resident memory of the idle server', () => {
  const pid = postmasterPid();
  const processes = [pid, ...childrenOf(pid)];
  const rssKb = processes.reduce((sum, each) => sum + procField(`/proc/${each}/status`, 'VmRSS'), 0);
  const pssKb = processes.reduce((sum, each) => sum + procField(`/proc/${each}/smaps_rollup`, 'Pss'), 0);
  console.log(
    `idle server: ${processes.length} processes, RSS sum ${(rssKb / 1024).toFixed(1)} MB ` +
      `(counts shared pages once per process), PSS sum ${(pssKb / 1024).toFixed(1)} MB, postmaster RSS ${(procField(`/proc/${pid}/status`, 'VmRSS') / 1024).toFixed(1)} MB`,
  );
  expect(pssKb).toBeGreaterThan(0);
});

test('ensureDatabase is idempotent, also when called concurrently, and returns a usable URL', async () => {
  const adminUrl = requireServer().adminUrl;
  const first = await ensureDatabase(adminUrl, 'orders');
  const second = await ensureDatabase(adminUrl, 'orders');
  expect(second).toBe(first);
  expect(first).toBe(databaseUrl(adminUrl, 'orders'));
  expect(first).toBe(`postgres://postgres:relais-dev@127.0.0.1:${port}/orders`);

  await query(first, 'CREATE TABLE handoff (id int PRIMARY KEY, label text NOT NULL)');
  await query(first, "INSERT INTO handoff VALUES (1, 'première')");
  expect(await query(first, 'SELECT current_database() AS db, label FROM handoff')).toEqual([{ db: 'orders', label: 'première' }]);

  const racing = await Promise.all([1, 2, 3, 4].map(() => ensureDatabase(adminUrl, 'racing')));
  expect(new Set(racing)).toEqual(new Set([databaseUrl(adminUrl, 'racing')]));
});

test('rejects database names that are not lowercase identifiers', async () => {
  const adminUrl = requireServer().adminUrl;
  await expect(ensureDatabase(adminUrl, 'Orders')).rejects.toThrow(/invalid database name/);
  await expect(ensureDatabase(adminUrl, 'a"; DROP DATABASE orders; --')).rejects.toThrow(/invalid database name/);
  await expect(ensureDatabase(adminUrl, '')).rejects.toThrow(/invalid database name/);
  await expect(dropDatabase(adminUrl, 'postgres')).rejects.toThrow(/system database/);
  expect(() => databaseUrl(adminUrl, 'x'.repeat(64))).toThrow(/invalid database name/);
});

test('two concurrent transactions are isolated from each other', async () => {
  const url = databaseUrl(requireServer().adminUrl, 'orders');
  const writer = new Client({ connectionString: url });
  const reader = new Client({ connectionString: url });
  await writer.connect();
  await reader.connect();
  try {
    await writer.query('BEGIN');
    await writer.query("INSERT INTO handoff VALUES (2, 'pending')");
    await writer.query("UPDATE handoff SET label = 'locked' WHERE id = 1");

    const seenByReader = await reader.query<{ n: number }>('SELECT count(*)::int AS n FROM handoff');
    expect(seenByReader.rows[0]?.n).toBe(1);
    // The reader's own transaction cannot take the row the writer holds: separate sessions, real locks.
    await reader.query('BEGIN');
    await reader.query("SET LOCAL lock_timeout = '200ms'");
    await expect(reader.query("UPDATE handoff SET label = 'stolen' WHERE id = 1")).rejects.toMatchObject({ code: '55P03' });
    await reader.query('ROLLBACK');

    await writer.query('COMMIT');
    const afterCommit = await reader.query<{ n: number; label: string }>(
      'SELECT count(*)::int AS n, max(label) FILTER (WHERE id = 1) AS label FROM handoff',
    );
    expect(afterCommit.rows[0]).toEqual({ n: 2, label: 'locked' });
  } finally {
    await writer.end();
    await reader.end();
  }
});

test('dropDatabase disconnects open sessions and tolerates an absent database', async () => {
  const adminUrl = requireServer().adminUrl;
  const url = await ensureDatabase(adminUrl, 'doomed');
  const session = new Client({ connectionString: url });
  session.on('error', () => undefined);
  await session.connect();
  try {
    await dropDatabase(adminUrl, 'doomed');
    await dropDatabase(adminUrl, 'doomed');
    expect(await query(adminUrl, "SELECT datname FROM pg_database WHERE datname = 'doomed'")).toEqual([]);
  } finally {
    await session.end().catch(() => undefined);
  }
});

test('refuses a busy port with a message naming it, without touching the data dir', async () => {
  const otherDataDir = join(root, 'other', 'data');
  await expect(startPostgres({ dataDir: otherDataDir, port, fast: true })).rejects.toThrow(
    `PostgreSQL cannot listen on 127.0.0.1:${port}: port ${port} is already in use`,
  );
  expect(existsSync(otherDataDir)).toBe(false);
});

test('stop leaves no postgres process behind and is idempotent', async () => {
  const running = requireServer();
  const pid = postmasterPid();
  const children = childrenOf(pid);
  expect(children.length).toBeGreaterThan(0);
  expect(pgrep(dataDir)).toEqual([pid]);

  await running.stop();
  await running.stop();
  server = undefined;

  expect([pid, ...children].filter(isAlive)).toEqual([]);
  expect(pgrep(dataDir)).toEqual([]);
  expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false);
  await expect(ensureDatabase(running.adminUrl, 'orders')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
});

test('restarts on the same data dir with the data still there', async () => {
  const version = readFileSync(join(dataDir, 'PG_VERSION'), 'utf8');
  const started = performance.now();
  server = await startPostgres({ dataDir, port, fast: true });
  console.log(`warm restart: ${(performance.now() - started).toFixed(0)} ms`);

  expect(readFileSync(join(dataDir, 'PG_VERSION'), 'utf8')).toBe(version);
  const url = await ensureDatabase(server.adminUrl, 'orders');
  expect(await query(url, 'SELECT id, label FROM handoff ORDER BY id')).toEqual([
    { id: 1, label: 'locked' },
    { id: 2, label: 'pending' },
  ]);
  await server.stop();
  server = undefined;
  expect(pgrep(dataDir)).toEqual([]);
});

test('stops a server orphaned by a killed process before starting on its data dir', async () => {
  // Another Node process starts the server, then dies without stopping it.
  const owner = nodeWithPostgres(`
    await startPostgres({ dataDir: ${JSON.stringify(dataDir)}, port: ${port}, fast: true });
    process.stdout.write('ready\\n');
    setInterval(() => {}, 60_000);
  `);
  await outputOf(owner, 'ready');
  const orphan = postmasterPid();
  const exited = new Promise((resolve) => owner.once('exit', resolve));
  owner.kill('SIGKILL');
  await exited;
  expect(isAlive(orphan)).toBe(true);

  server = await startPostgres({ dataDir, port, fast: true });
  expect(isAlive(orphan)).toBe(false);
  expect(postmasterPid()).not.toBe(orphan);
  expect(await query(databaseUrl(server.adminUrl, 'orders'), 'SELECT count(*)::int AS n FROM handoff')).toEqual([{ n: 2 }]);
  expect(readFileSync(join(root, 'postgres.log'), 'utf8')).toContain(`stopping orphaned postmaster ${orphan}`);
  await server.stop();
  server = undefined;
  expect(pgrep(dataDir)).toEqual([]);
});

test('a process that stops the server on SIGINT exits with the code it chooses', async () => {
  // Nothing but the script's own handler may answer the signal: no library exit hook.
  const owner = nodeWithPostgres(`
    const server = await startPostgres({ dataDir: ${JSON.stringify(dataDir)}, port: ${port}, fast: true });
    process.once('SIGINT', () => server.stop().then(() => {
      process.stdout.write('stopped\\n');
      process.exitCode = 0;
    }));
    process.stdout.write('ready\\n');
  `);
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => owner.once('exit', (code, signal) => resolve([code, signal])));
  const output = outputOf(owner, 'stopped');
  await outputOf(owner, 'ready');
  const pid = postmasterPid();
  owner.kill('SIGINT');
  await output;
  expect(await exited).toEqual([0, null]);
  expect(isAlive(pid)).toBe(false);
  expect(pgrep(dataDir)).toEqual([]);
});

test('refuses a data dir the postgres OS user cannot reach', async () => {
  if (process.getuid?.() !== 0) return; // Only root hands the server over to another user.
  const locked = join(root, 'locked');
  mkdirSync(locked, { mode: 0o700 });
  await expect(startPostgres({ dataDir: join(locked, 'pg', 'data'), port, fast: true })).rejects.toThrow(
    `the OS user postgres, which runs PostgreSQL, cannot reach the parent folder of the data dir (${join(locked, 'pg')}): ${locked} is mode 700`,
  );
});

/** A plain Node process (no jest) running `body` with `startPostgres` in scope, loaded from the sources through swc (with the tsconfig paths). */
function nodeWithPostgres(body: string): ChildProcessByStdio<null, Readable, null> {
  const script = `
    const { transformFileSync } = require('@swc/core');
    // The tsconfig paths too: the server's module reaches @relais/persistence (database creation) through them.
    const options = {
      swcrc: false,
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2023',
        baseUrl: process.cwd(),
        paths: require('./tsconfig.base.json').compilerOptions.paths,
      },
      module: { type: 'commonjs' },
    };
    require.extensions['.ts'] = (module, file) => module._compile(transformFileSync(file, options).code, file);
    const { startPostgres } = require('./infra/src/postgres');
    (async () => { ${body} })();
  `;
  return spawn(process.execPath, ['-e', script], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
}

/** Resolves once the process has printed `marker`; rejects if it exits before. */
function outputOf(child: ChildProcessByStdio<null, Readable, null>, marker: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(marker)) resolve();
    });
    child.once('close', (code, signal) => reject(new Error(`the process exited (${code ?? signal}) before printing ${marker}: ${output}`)));
  });
}

function requireServer(): PostgresServer {
  if (server === undefined) throw new Error('the server is not running: an earlier test failed');
  return server;
}

async function query<Row extends object = Record<string, unknown>>(url: string, sql: string): Promise<Row[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      if (address === null || typeof address === 'string') {
        reject(new Error('no TCP address'));
        return;
      }
      probe.close(() => resolve(address.port));
    });
  });
}

function postmasterPid(): number {
  return Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
}

function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((each) => {
      try {
        const stat = readFileSync(`/proc/${each}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    });
}

function procField(path: string, field: string): number {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return 0; // The process exited since it was listed (a backend whose client just disconnected).
  }
  const line = text.split('\n').find((each) => each.startsWith(`${field}:`));
  return Number(line?.split(/\s+/)[1] ?? 0);
}

function pgrep(pattern: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).trim().split('\n').map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/** A zombie counts as gone: an orphan's exit is only reaped when init gets round to it. */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] !== 'Z';
  } catch {
    return false;
  }
}
