import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AppendOnlyTablesNotSealed, migrate } from '@relais/persistence';
import { Client } from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { provisionServiceDatabase } from '../src/infrastructure';
import { freePort } from '../src/net';
import { appendOnlyOwner, databaseUrl, dropProvisionedDatabase, ensureDatabase, provisionDatabase, startPostgres, type PostgresServer } from '../src/postgres';
import { stateSubdir } from '../src/state-dir';

/*
 * The roles each service connects with, on a real server of this file's own (the role names are the
 * platform's, relais_referral and relais_diagnostic, and roles are global to a server).
 */

const root = stateSubdir('test', `database-roles-${process.pid}-${Date.now()}`);
const secretsDir = join(root, 'secrets');
let server: PostgresServer;
let admin: string;

beforeAll(async () => {
  server = await startPostgres({ dataDir: join(root, 'data'), port: await freePort(), fast: true });
  admin = server.adminUrl;
}, 60_000);

afterAll(async () => {
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
});

const password = () => randomBytes(18).toString('hex');

describe('a service role', () => {
  let referral: string;

  beforeAll(async () => {
    referral = await provisionServiceDatabase(admin, 'relais_referral', secretsDir);
    await provisionServiceDatabase(admin, 'relais_diagnostic', secretsDir);
  });

  it('logs in as itself, without administrator powers, and owns its database', async () => {
    expect(new URL(referral).username).toBe('relais_referral');
    expect(new URL(referral).pathname).toBe('/relais_referral');
    expect(await one(referral, 'SELECT current_user AS who, current_database() AS db')).toEqual({ who: 'relais_referral', db: 'relais_referral' });
    const roles = await rows(
      admin,
      `SELECT rolname, rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls
         FROM pg_roles WHERE rolname LIKE 'relais_referral%' ORDER BY rolname`,
    );
    const powerless = { rolsuper: false, rolcreatedb: false, rolcreaterole: false, rolreplication: false, rolbypassrls: false };
    expect(roles).toEqual([
      { rolname: 'relais_referral', rolcanlogin: true, ...powerless },
      { rolname: 'relais_referral_append_only', rolcanlogin: false, ...powerless },
    ]);
    expect(await one(admin, `SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = 'relais_referral'`)).toEqual({ owner: 'relais_referral' });
    // Its migrations create what they need, extensions the database owner may install included.
    await query(referral, 'CREATE TABLE handoff (id bigserial PRIMARY KEY)');
    await query(referral, 'CREATE EXTENSION IF NOT EXISTS unaccent');
    expect(await one(referral, `SELECT unaccent('déjà') AS text`)).toEqual({ text: 'deja' });
  });

  it('cannot connect to another service’s database, nor to the maintenance databases', async () => {
    for (const other of ['relais_diagnostic', 'postgres', 'template1']) {
      await expect(query(databaseUrl(referral, other), 'SELECT 1')).rejects.toMatchObject({
        code: '42501',
        message: `permission denied for database "${other}"`,
      });
    }
    // So it cannot drop its own database either: never while connected to it, and it can connect nowhere else.
    await expect(query(referral, 'DROP DATABASE relais_referral')).rejects.toMatchObject({ code: '55006' });
    await expect(query(referral, 'DROP DATABASE relais_diagnostic')).rejects.toMatchObject({ code: '42501' });
    await expect(query(referral, 'CREATE DATABASE elsewhere')).rejects.toMatchObject({ code: '42501' });
    await expect(query(referral, 'CREATE ROLE accomplice LOGIN')).rejects.toMatchObject({ code: '42501' });
  });

  it('keeps its password in the secrets folder: the same URL on every start', async () => {
    const file = join(secretsDir, 'postgres-role-relais_referral');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(decodeURIComponent(new URL(referral).password)).toBe(readFileSync(file, 'utf8').trim());
    expect(await provisionServiceDatabase(admin, 'relais_referral', secretsDir)).toBe(referral);
    expect(await one(referral, 'SELECT count(*)::int AS n FROM handoff')).toEqual({ n: 0 });
    expect(referral).not.toContain('relais-dev');
  });

  it('is provisioned once however many callers race for it', async () => {
    const secret = password();
    const urls = await Promise.all([1, 2, 3, 4].map(() => provisionDatabase(admin, 'relais_racing', secret)));
    expect(new Set(urls).size).toBe(1);
    expect(await one(urls[0] ?? '', 'SELECT current_user AS who')).toEqual({ who: 'relais_racing' });
  });

  it('is never a system database nor an existing administrator role', async () => {
    await expect(provisionDatabase(admin, 'postgres', password())).rejects.toThrow(/invalid database name/);
    await expect(provisionDatabase(admin, 'pg_monitor', password())).rejects.toThrow(/invalid database name/);
    await expect(provisionDatabase(admin, 'x'.repeat(52), password())).rejects.toThrow(/invalid database name/);
    await query(admin, 'CREATE ROLE boss SUPERUSER');
    await expect(provisionDatabase(admin, 'boss', password())).rejects.toThrow('refusing to provision boss: the role boss exists with administrator powers');
    expect(await one(admin, `SELECT rolsuper FROM pg_roles WHERE rolname = 'boss'`)).toEqual({ rolsuper: true });
  });

  it('is dropped with its database', async () => {
    const url = await provisionDatabase(admin, 'relais_doomed', password());
    const session = new Client({ connectionString: url });
    session.on('error', () => undefined);
    await session.connect();
    try {
      await dropProvisionedDatabase(admin, 'relais_doomed');
      await dropProvisionedDatabase(admin, 'relais_doomed');
    } finally {
      await session.end().catch(() => undefined);
    }
    expect(await rows(admin, `SELECT datname FROM pg_database WHERE datname = 'relais_doomed'`)).toEqual([]);
    expect(await rows(admin, `SELECT rolname FROM pg_roles WHERE rolname LIKE 'relais_doomed%'`)).toEqual([]);
  });
});

/** Shaped like referral's audit_log (identity key, append-only trigger), plus a serial-keyed one. */
class AuditSchema1700000000000 implements MigrationInterface {
  name = 'AuditSchema1700000000000';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE audit_log (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, action text NOT NULL)`);
    await runner.query(`CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$`);
    await runner.query(`CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
    await runner.query(`CREATE TABLE access_log (id serial PRIMARY KEY, action text NOT NULL)`);
    await runner.query(`CREATE TABLE referrals (id int PRIMARY KEY, status text NOT NULL)`);
  }
  async down(): Promise<void> {
    // never reverted
  }
}

/** A later release creates a table the service had already declared append-only. */
class LaterTable1700000000001 implements MigrationInterface {
  name = 'LaterTable1700000000001';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE consent_log (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, action text NOT NULL)`);
  }
  async down(): Promise<void> {
    // never reverted
  }
}

const appendOnlyTables = ['audit_log', 'access_log', 'consent_log'];

describe('append-only tables', () => {
  let url: string;
  const name = 'relais_audited';

  beforeAll(async () => {
    url = await provisionDatabase(admin, name, password());
    // As a service's start does: migrations with its own role, then the seal.
    await migrate({ url, entities: [], migrations: [AuditSchema1700000000000], appendOnlyTables });
  });

  it('belong to the NOLOGIN append-only role once the service has migrated; the rest stays the service’s', async () => {
    const owners = await rows(
      databaseUrl(admin, name),
      `SELECT relname, pg_get_userbyid(relowner) AS owner FROM pg_class
        WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'S') ORDER BY relname`,
    );
    expect(owners).toEqual([
      { relname: 'access_log', owner: appendOnlyOwner(name) },
      { relname: 'access_log_id_seq', owner: appendOnlyOwner(name) },
      { relname: 'audit_log', owner: appendOnlyOwner(name) },
      { relname: 'audit_log_id_seq', owner: appendOnlyOwner(name) },
      { relname: 'migrations', owner: name },
      { relname: 'migrations_id_seq', owner: name },
      { relname: 'referrals', owner: name },
    ]);
  });

  it('take INSERT and SELECT from the service, serial keys included', async () => {
    await query(url, `INSERT INTO audit_log (action) VALUES ('read'), ('erase')`);
    await query(url, `INSERT INTO access_log (action) VALUES ('read')`);
    expect(await rows(url, 'SELECT id::int, action FROM audit_log ORDER BY id')).toEqual([
      { id: 1, action: 'read' },
      { id: 2, action: 'erase' },
    ]);
    expect(await rows(url, 'SELECT id, action FROM access_log')).toEqual([{ id: 1, action: 'read' }]);
    // Its own tables stay its own.
    await query(url, `INSERT INTO referrals VALUES (1, 'requested')`);
    await query(url, `UPDATE referrals SET status = 'received'`);
    await query(url, `ALTER TABLE referrals ADD COLUMN note text`);
  });

  it.each([
    ['UPDATE', `UPDATE audit_log SET action = 'nothing'`, 'permission denied for table audit_log'],
    ['DELETE', 'DELETE FROM audit_log', 'permission denied for table audit_log'],
    ['TRUNCATE', 'TRUNCATE audit_log', 'permission denied for table audit_log'],
    ['DISABLE TRIGGER', 'ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete', 'must be owner of table audit_log'],
    ['DISABLE TRIGGER ALL', 'ALTER TABLE audit_log DISABLE TRIGGER ALL', 'must be owner of table audit_log'],
    ['DROP TRIGGER', 'DROP TRIGGER audit_log_no_update_delete ON audit_log', 'must be owner of relation audit_log'],
    ['DROP TABLE', 'DROP TABLE audit_log', 'must be owner of table audit_log'],
    ['DROP TABLE CASCADE', 'DROP TABLE audit_log CASCADE', 'must be owner of table audit_log'],
    ['ALTER TABLE', 'ALTER TABLE audit_log DROP COLUMN action', 'must be owner of table audit_log'],
    ['ALTER OWNER', 'ALTER TABLE audit_log OWNER TO CURRENT_USER', 'must be owner of table audit_log'],
    ['RULE', 'CREATE RULE nothing AS ON INSERT TO audit_log DO INSTEAD NOTHING', 'must be owner of table audit_log'],
    ['POLICY', 'ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY', 'must be owner of table audit_log'],
    ['trigger function', `CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$`, 'must be owner of function audit_log_append_only'],
    ['sequence', `SELECT setval('audit_log_id_seq', 1)`, 'permission denied for sequence audit_log_id_seq'],
    ['schema', 'DROP SCHEMA public CASCADE', 'must be owner of schema public'],
    ['serial table', 'DELETE FROM access_log', 'permission denied for table access_log'],
    ['SET ROLE', `SET ROLE ${appendOnlyOwner(name)}`, `permission denied to set role "${appendOnlyOwner(name)}"`],
  ])('refuse the service %s', async (_what, statement, message) => {
    await expect(query(url, statement)).rejects.toMatchObject({ code: '42501', message });
  });

  it('keep their rows and their trigger whatever the service tried', async () => {
    const inside = databaseUrl(admin, name);
    expect(await one(inside, 'SELECT count(*)::int AS n FROM audit_log')).toEqual({ n: 2 });
    expect(await one(inside, `SELECT tgenabled FROM pg_trigger WHERE tgname = 'audit_log_no_update_delete'`)).toEqual({ tgenabled: 'O' });
    expect(await rows(url, 'SELECT action FROM audit_log ORDER BY id')).toEqual([{ action: 'read' }, { action: 'erase' }]);
  });

  it('may be declared before the migration that creates them, and are sealed at the next start', async () => {
    const inside = databaseUrl(admin, name);
    expect(await rows(inside, `SELECT 1 FROM pg_class WHERE relname = 'consent_log'`)).toEqual([]);
    await migrate({ url, entities: [], migrations: [AuditSchema1700000000000, LaterTable1700000000001], appendOnlyTables });
    await query(url, `INSERT INTO consent_log (action) VALUES ('grant')`);
    await expect(query(url, 'DELETE FROM consent_log')).rejects.toMatchObject({ code: '42501' });
    expect(await one(inside, `SELECT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relname = 'consent_log'`)).toEqual({ owner: appendOnlyOwner(name) });
  });

  it('stay sealed when provisioning runs again', async () => {
    await provisionDatabase(admin, name, password()).then((again) => (url = again));
    await expect(query(url, 'DELETE FROM audit_log')).rejects.toMatchObject({ code: '42501' });
    expect(await one(url, 'SELECT count(*)::int AS n FROM audit_log')).toEqual({ n: 2 });
  });

  it('stop a service that cannot seal them (a database not provisioned by Relais), unless it is a superuser', async () => {
    await query(admin, `CREATE ROLE handmade LOGIN PASSWORD 'handmade-password'`);
    await query(admin, 'CREATE DATABASE handmade OWNER handmade');
    const handmade = databaseUrl(admin, 'handmade').replace('postgres:relais-dev', 'handmade:handmade-password');
    const attempt = migrate({ url: handmade, entities: [], migrations: [AuditSchema1700000000000], appendOnlyTables });
    await expect(attempt).rejects.toThrow(AppendOnlyTablesNotSealed);
    await expect(attempt).rejects.toThrow('cannot make audit_log, access_log, consent_log append-only: public.relais_seal_append_only(text[]) is missing');
    // A superuser bypasses every privilege anyway: a warning, not a failure.
    await expect(migrate({ url: databaseUrl(admin, 'handmade'), entities: [], migrations: [AuditSchema1700000000000], appendOnlyTables })).resolves.toEqual([]);
  });
});

describe('upgrading a database made by an earlier version (everything owned by postgres)', () => {
  const name = 'relais_directory';
  let url: string;

  beforeAll(async () => {
    const old = await ensureDatabase(admin, name);
    await query(old, `
      CREATE EXTENSION unaccent;
      CREATE TEXT SEARCH CONFIGURATION relais_fr (COPY = pg_catalog.french);
      ALTER TEXT SEARCH CONFIGURATION relais_fr ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
      CREATE TYPE kind AS ENUM ('structure', 'lieu');
      CREATE DOMAIN siret AS char(14) CHECK (VALUE ~ '^[0-9]{14}$');
      CREATE TABLE migrations (id serial PRIMARY KEY, "timestamp" bigint NOT NULL, name varchar NOT NULL);
      INSERT INTO migrations ("timestamp", name) VALUES (1700000000000, 'AuditSchema1700000000000');
      CREATE TABLE structure (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, kind kind NOT NULL, siret siret, name text NOT NULL);
      CREATE SEQUENCE import_batch;
      CREATE VIEW named AS SELECT id, name FROM structure;
      CREATE MATERIALIZED VIEW counts AS SELECT kind, count(*) FROM structure GROUP BY kind;
      CREATE FUNCTION folded(text) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT lower($1)';
      CREATE SCHEMA staging;
      CREATE TABLE staging.rows (line text);
      CREATE TABLE audit_log (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, action text NOT NULL);
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
      CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
      INSERT INTO structure (kind, siret, name) VALUES ('structure', '12345678901234', 'CCAS de Vannes');
      INSERT INTO audit_log (action) VALUES ('read');
    `);
    url = await provisionDatabase(admin, name, password());
  });

  it('hands the database and every object of it to the service role, extensions aside', async () => {
    expect(await one(admin, `SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = '${name}'`)).toEqual({ owner: name });
    const inside = databaseUrl(admin, name);
    const foreign = await rows(
      inside,
      `SELECT 'class ' || relname AS object FROM pg_class c WHERE relnamespace IN ('public'::regnamespace, 'staging'::regnamespace) AND relkind <> 'c' AND relowner <> '${name}'::regrole
       UNION ALL SELECT 'function ' || proname FROM pg_proc p WHERE pronamespace = 'public'::regnamespace AND proowner <> '${name}'::regrole
         AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
       UNION ALL SELECT 'type ' || typname FROM pg_type WHERE typnamespace = 'public'::regnamespace AND typtype IN ('e', 'd') AND typowner <> '${name}'::regrole
       UNION ALL SELECT 'schema ' || nspname FROM pg_namespace WHERE nspname = 'staging' AND nspowner <> '${name}'::regrole
       UNION ALL SELECT 'text search ' || cfgname FROM pg_ts_config WHERE cfgname = 'relais_fr' AND cfgowner <> '${name}'::regrole`,
    );
    // Only the seal function belongs to someone else (the append-only role); unaccent stays the extension's.
    expect(foreign).toEqual([{ object: 'function relais_seal_append_only' }]);
    expect(await one(inside, `SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = 'public'`)).toEqual({ owner: 'postgres' });
  });

  it('lets the service migrate on from there, with its own role', async () => {
    await migrate({ url, entities: [], migrations: [AuditSchema1700000000000, LaterTable1700000000001], appendOnlyTables });
    expect(await rows(url, 'SELECT name FROM migrations ORDER BY id')).toEqual([{ name: 'AuditSchema1700000000000' }, { name: 'LaterTable1700000000001' }]);
    await query(url, `INSERT INTO structure (kind, siret, name) VALUES ('lieu', '98765432109876', 'Médiathèque')`);
    await query(url, `ALTER TABLE structure ADD COLUMN folded text GENERATED ALWAYS AS (folded(name)) STORED`);
    await query(url, 'REFRESH MATERIALIZED VIEW counts');
    await query(url, `SELECT nextval('import_batch')`);
    await query(url, `INSERT INTO staging.rows VALUES ('x')`);
    expect(await one(url, `SELECT to_tsvector('relais_fr', 'Médiathèque')::text AS v`)).toEqual({ v: expect.stringMatching(/^'mediath/) });
    // And the audit log it had before the upgrade is now sealed, its rows kept.
    await expect(query(url, 'DELETE FROM audit_log')).rejects.toMatchObject({ code: '42501' });
    expect(await rows(url, 'SELECT action FROM audit_log')).toEqual([{ action: 'read' }]);
  });
});

describe('an admin that is not a superuser (a managed server’s admin role, CREATEROLE and CREATEDB)', () => {
  it('provisions the same roles, database and seal', async () => {
    await query(admin, `CREATE ROLE platform_admin LOGIN CREATEROLE CREATEDB PASSWORD 'platform-admin-password'`);
    await query(admin, 'GRANT CONNECT ON DATABASE postgres TO platform_admin');
    const managed = admin.replace('postgres:relais-dev', 'platform_admin:platform-admin-password');
    const url = await provisionDatabase(managed, 'relais_notification', password());
    expect(await one(admin, `SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = 'relais_notification'`)).toEqual({ owner: 'relais_notification' });
    await migrate({ url, entities: [], migrations: [AuditSchema1700000000000], appendOnlyTables });
    await query(url, `INSERT INTO audit_log (action) VALUES ('read')`);
    await expect(query(url, 'TRUNCATE audit_log')).rejects.toMatchObject({ code: '42501' });
    await expect(query(url, 'DROP TABLE audit_log')).rejects.toMatchObject({ code: '42501' });
    expect(await provisionDatabase(managed, 'relais_notification', decodeURIComponent(new URL(url).password))).toBe(url);
  });
});

async function query(url: string, sql: string): Promise<void> {
  await rows(url, sql);
}

async function one(url: string, sql: string): Promise<Record<string, unknown> | undefined> {
  return (await rows(url, sql))[0];
}

async function rows(url: string, sql: string): Promise<Array<Record<string, unknown>>> {
  const client = new Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    // Several statements in one string answer with one result each: only single statements are read.
    const result: unknown = await client.query(sql);
    return Array.isArray(result) ? [] : (result as { rows: Array<Record<string, unknown>> }).rows;
  } finally {
    await client.end();
  }
}
