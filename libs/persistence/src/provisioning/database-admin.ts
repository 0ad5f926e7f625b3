import { Client, escapeIdentifier } from 'pg';

/*
 * Creating, naming and dropping databases on a PostgreSQL server as its admin: what the local platform
 * (infra), `npm run migrate -- provision` and the test databases (libs/testing) share.
 */

const CONNECT_TIMEOUT_MS = 10_000;
const DATABASE_NAME = /^[a-z0-9_]{1,63}$/;
/** Dropping these would break the admin URL or the creation of new databases. */
const SYSTEM_DATABASES = new Set(['postgres', 'template0', 'template1']);

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

export async function withClient<T>(url: string, work: (client: Client) => Promise<T>, timeoutMs = CONNECT_TIMEOUT_MS): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  // Without a listener, a connection dropped by the server would crash the process; the pending query rejects anyway.
  client.on('error', () => undefined);
  // A failed connect has already closed its socket: only a connected client needs end().
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function hasCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === code;
}
