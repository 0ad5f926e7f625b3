import { escapeIdentifier, escapeLiteral, type Client } from 'pg';
import { databaseUrl, dropDatabase, ensureDatabase, withClient } from './database-admin';

/*
 * One role per service database (see docs/decisions/0004-database-roles.md):
 *
 * - `<name>`: LOGIN, no superuser, no CREATEDB / CREATEROLE / REPLICATION / BYPASSRLS. It owns the
 *   database `<name>` and every object its migrations create, and can connect nowhere else (CONNECT is
 *   revoked from PUBLIC on each provisioned database).
 * - `<name>_append_only`: NOLOGIN. It owns the tables a service declares append-only (its audit log)
 *   once the service has sealed them, and grants the service INSERT and SELECT only. It is a member of
 *   `<name>` (never the reverse), which is what lets it take those tables over from their creator.
 *
 * The schema `public` belongs to the admin rather than to the database owner: the owner of a schema may
 * drop any object in it, which would let the service drop the audit log it does not own.
 *
 * Provisioning is idempotent and runs at every `npm start` / `npm run migrate` / test database: it also
 * upgrades databases made by earlier versions (owned by `postgres`), handing them and their objects over.
 */

/** The SECURITY DEFINER function a service calls right after its migrations (libs/persistence `sealAppendOnlyTables`). */
const SEAL_FUNCTION_NAME = 'public.relais_seal_append_only';
const SEAL_FUNCTION = `${SEAL_FUNCTION_NAME}(text[])`;

const NAME = /^[a-z_][a-z0-9_]{0,50}$/;
const APPEND_ONLY_SUFFIX = '_append_only';
/** Dropping or re-provisioning these would break the server or the admin's own access. */
const RESERVED = new Set(['postgres', 'template0', 'template1', 'public']);
/** First key of the advisory lock that serialises provisioning of one name (second key: hashtext(name)). */
const PROVISIONING_LOCK = 0x52_45_4c_31;

/** The NOLOGIN role that owns a database's append-only tables. */
export function appendOnlyOwner(name: string): string {
  assertProvisionableName(name);
  return `${name}${APPEND_ONLY_SUFFIX}`;
}

/**
 * Creates (or brings up to date) the role `name`, the NOLOGIN role `<name>_append_only` and the database
 * `name` owned by the former, sets the role's password, and returns the URL the service connects with.
 * `adminUrl` needs a superuser, or a role with CREATEROLE and CREATEDB (a managed server's admin role).
 */
export async function provisionDatabase(adminUrl: string, name: string, password: string): Promise<string> {
  assertProvisionableName(name);
  if (password.length < 16) throw new Error(`the password of role ${name} must be at least 16 characters`);
  const role = escapeIdentifier(name);
  const keeper = escapeIdentifier(appendOnlyOwner(name));
  await withClient(adminUrl, async (admin) => {
    // Released when the session ends. Two provisionings of the same name would otherwise race on
    // CREATE ROLE and on the same catalog rows ("tuple concurrently updated").
    await admin.query('SELECT pg_advisory_lock($1, hashtext($2))', [PROVISIONING_LOCK, name]);
    const superuser = await isSuperuser(admin);
    await refuseForeignRoles(admin, name);
    await admin.query(ensureRole(name));
    await admin.query(ensureRole(appendOnlyOwner(name)));
    // A superuser may set every attribute; a CREATEROLE admin may not touch SUPERUSER, REPLICATION or
    // BYPASSRLS, which a role it created does not have anyway (refuseForeignRoles checked the rest).
    const privileged = superuser ? ' NOSUPERUSER NOREPLICATION NOBYPASSRLS' : '';
    await admin.query(`ALTER ROLE ${role} LOGIN NOCREATEDB NOCREATEROLE${privileged} PASSWORD ${escapeLiteral(password)}`);
    await admin.query(`ALTER ROLE ${keeper} NOLOGIN INHERIT NOCREATEDB NOCREATEROLE${privileged}`);
    // A non-superuser admin acts on the database and its objects through membership of both roles.
    if (!superuser) await admin.query(`GRANT ${role}, ${keeper} TO CURRENT_USER`);
    await admin.query(`GRANT ${role} TO ${keeper}`);
    await ensureDatabase(adminUrl, name);
    // New databases, and those made by earlier versions, belong to the admin: hand them over.
    await admin.query(`ALTER DATABASE ${role} OWNER TO ${role}`);
    await admin.query(`REVOKE CONNECT, TEMPORARY ON DATABASE ${role} FROM PUBLIC`);
    await withClient(databaseUrl(adminUrl, name), (inside) => inside.query(insideDatabase(name)));
  });
  return serviceUrl(adminUrl, name, password);
}

/** Drops the database and both its roles, disconnecting its sessions; tolerates their absence. */
export async function dropProvisionedDatabase(adminUrl: string, name: string): Promise<void> {
  assertProvisionableName(name);
  await dropDatabase(adminUrl, name);
  await withClient(adminUrl, async (admin) => {
    await admin.query(`DROP ROLE IF EXISTS ${escapeIdentifier(appendOnlyOwner(name))}`);
    await admin.query(`DROP ROLE IF EXISTS ${escapeIdentifier(name)}`);
  });
}

/** `adminUrl` with the service role's credentials and database. */
function serviceUrl(adminUrl: string, name: string, password: string): string {
  const url = new URL(databaseUrl(adminUrl, name));
  url.username = name;
  url.password = encodeURIComponent(password);
  return url.toString();
}

function assertProvisionableName(name: string): void {
  if (!NAME.test(name) || RESERVED.has(name) || name.startsWith('pg_')) {
    throw new Error(
      `invalid database name ${JSON.stringify(name)} for a service role: 1 to 51 lowercase letters, digits or underscores, ` +
        'not starting with a digit nor pg_, and not a system database',
    );
  }
}

async function isSuperuser(admin: Client): Promise<boolean> {
  const { rows } = await admin.query<{ rolsuper: boolean }>('SELECT rolsuper FROM pg_roles WHERE rolname = current_user');
  return rows[0]?.rolsuper === true;
}

/** A role of that name with powers the service must not have is someone else's: never demote nor reuse it. */
async function refuseForeignRoles(admin: Client, name: string): Promise<void> {
  const { rows } = await admin.query<{ rolname: string }>(
    `SELECT rolname FROM pg_roles
      WHERE rolname IN ($1, $2) AND (rolsuper OR rolreplication OR rolbypassrls OR rolname = current_user)`,
    [name, appendOnlyOwner(name)],
  );
  if (rows.length > 0) {
    throw new Error(`refusing to provision ${name}: the role ${rows[0]?.rolname} exists with administrator powers (superuser, replication, bypassrls or the admin itself)`);
  }
}

function ensureRole(name: string): string {
  return `DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${escapeLiteral(name)}) THEN CREATE ROLE ${escapeIdentifier(name)}; END IF;
  END $$`;
}

/**
 * Run by the admin inside the database, in one transaction (one simple query): `public` owned by the
 * admin, everything else by the service role, and the seal function owned by the append-only role.
 */
function insideDatabase(name: string): string {
  const role = escapeIdentifier(name);
  const keeper = escapeIdentifier(appendOnlyOwner(name));
  return `
    ALTER SCHEMA public OWNER TO CURRENT_USER;
    REVOKE ALL ON SCHEMA public FROM PUBLIC;
    GRANT USAGE, CREATE ON SCHEMA public TO ${role}, ${keeper};
    ${handOver(name)};
    ${sealFunction(name)};
    ALTER FUNCTION ${SEAL_FUNCTION} OWNER TO ${keeper};
    REVOKE ALL ON FUNCTION ${SEAL_FUNCTION} FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION ${SEAL_FUNCTION} TO ${role};`;
}

/**
 * Gives the service role the objects someone else owns: the whole schema of a database created by an
 * earlier version as `postgres`, or a table created by hand as the admin. Not REASSIGN OWNED, which refuses
 * the bootstrap superuser's objects. Left alone: what the append-only role owns, extension members,
 * and what follows its table (indexes, sequences of serial and identity columns, row types).
 */
function handOver(name: string): string {
  const mine = `(${escapeLiteral(name)}::regrole, ${escapeLiteral(appendOnlyOwner(name))}::regrole)`;
  const service = escapeLiteral(name);
  const notExtension = (catalog: string, oid: string) =>
    `NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.objid = ${oid} AND d.deptype = 'e')`;
  return `DO $hand_over$
    DECLARE statement text;
    BEGIN
      FOR statement IN
        SELECT format('ALTER %s %s OWNER TO %I',
                 CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
                 c.oid::regclass, ${service})
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
           AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND c.relowner NOT IN ${mine}
           AND ${notExtension('pg_class', 'c.oid')}
           AND NOT (c.relkind = 'S' AND EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                                                   AND d.objid = c.oid AND d.deptype IN ('a', 'i')))
        UNION ALL
        SELECT format('ALTER ROUTINE %s OWNER TO %I', p.oid::regprocedure, ${service})
          FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
           AND p.proowner NOT IN ${mine} AND ${notExtension('pg_proc', 'p.oid')}
        UNION ALL
        SELECT format('ALTER %s %s OWNER TO %I', CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, t.oid::regtype, ${service})
          FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
           AND (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))
           AND t.typowner NOT IN ${mine} AND ${notExtension('pg_type', 't.oid')}
        UNION ALL
        SELECT format('ALTER TEXT SEARCH CONFIGURATION %s OWNER TO %I', c.oid::regconfig, ${service})
          FROM pg_ts_config c JOIN pg_namespace n ON n.oid = c.cfgnamespace
         WHERE n.nspname <> 'pg_catalog' AND c.cfgowner NOT IN ${mine} AND ${notExtension('pg_ts_config', 'c.oid')}
        UNION ALL
        SELECT format('ALTER TEXT SEARCH DICTIONARY %s OWNER TO %I', t.oid::regdictionary, ${service})
          FROM pg_ts_dict t JOIN pg_namespace n ON n.oid = t.dictnamespace
         WHERE n.nspname <> 'pg_catalog' AND t.dictowner NOT IN ${mine} AND ${notExtension('pg_ts_dict', 't.oid')}
        UNION ALL
        SELECT format('ALTER SCHEMA %I OWNER TO %I', n.nspname, ${service})
          FROM pg_namespace n
         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'public') AND n.nspname NOT LIKE 'pg\\_%'
           AND n.nspowner NOT IN ${mine} AND ${notExtension('pg_namespace', 'n.oid')}
      LOOP
        EXECUTE statement;
      END LOOP;
    END $hand_over$`;
}

/**
 * Called by the service itself, right after its migrations, with the tables it declares append-only.
 * Runs as `<name>_append_only`, which may act as the tables' owner through its membership of the service
 * role and so take them over; the service then keeps INSERT and SELECT only, and cannot drop, alter,
 * truncate, disable a trigger of, nor replace the trigger functions of, what it sealed. Tables not created
 * yet are skipped: declaring one before its migration ships is harmless. Sealing is one-way: only the
 * admin can hand a table back (for a migration that must alter it).
 *
 * The search path is pinned (pg_temp last) so nothing the service creates can shadow what this uses.
 */
function sealFunction(name: string): string {
  return `CREATE OR REPLACE FUNCTION ${SEAL_FUNCTION_NAME}(tables text[]) RETURNS text[]
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $seal$
    DECLARE
      service constant regrole := ${escapeLiteral(name)}::regrole;
      keeper constant regrole := ${escapeLiteral(appendOnlyOwner(name))}::regrole;
      target regclass;
      current_owner oid;
      sealed text[] := '{}';
      tbl text;
      dependent regclass;
      trigger_function regprocedure;
    BEGIN
      FOREACH tbl IN ARRAY tables LOOP
        target := NULL;
        SELECT c.oid, c.relowner INTO target, current_owner FROM pg_class c
         WHERE c.relnamespace = 'public'::regnamespace AND c.relname = tbl AND c.relkind IN ('r', 'p');
        CONTINUE WHEN target IS NULL;
        IF current_owner <> keeper THEN
          -- Indexes and the sequences of serial and identity columns follow the table.
          EXECUTE format('ALTER TABLE %s OWNER TO %s', target, keeper);
        END IF;
        EXECUTE format('REVOKE ALL ON TABLE %s FROM PUBLIC, %s', target, service);
        EXECUTE format('GRANT SELECT, INSERT ON TABLE %s TO %s', target, service);
        FOR dependent IN
          SELECT d.objid::regclass FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
           WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
             AND d.refobjid = target AND d.deptype IN ('a', 'i')
        LOOP
          -- nextval for serial defaults; never UPDATE (setval).
          EXECUTE format('REVOKE ALL ON SEQUENCE %s FROM PUBLIC, %s', dependent, service);
          EXECUTE format('GRANT USAGE ON SEQUENCE %s TO %s', dependent, service);
        END LOOP;
        FOR trigger_function IN
          SELECT DISTINCT t.tgfoid::regprocedure FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
           WHERE t.tgrelid = target AND NOT t.tgisinternal AND p.proowner = service
        LOOP
          EXECUTE format('ALTER FUNCTION %s OWNER TO %s', trigger_function, keeper);
        END LOOP;
        sealed := sealed || tbl;
      END LOOP;
      RETURN sealed;
    END $seal$`;
}
