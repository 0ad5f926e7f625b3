import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';

/**
 * The function provisioning installs in each service database (infra/src/postgres/database-roles.ts, which
 * owns its definition): it moves the named tables to a NOLOGIN owner and leaves the service INSERT and
 * SELECT only. See docs/decisions/0004-database-roles.md.
 */
const SEAL_FUNCTION_NAME = 'public.relais_seal_append_only';
const SEAL_FUNCTION = `${SEAL_FUNCTION_NAME}(text[])`;

/** Sealing cannot happen: the service must not run with its audit tables writable by itself. */
export class AppendOnlyTablesNotSealed extends Error {
  override readonly name = 'AppendOnlyTablesNotSealed';
}

/**
 * Makes the declared append-only tables append-only for the role the service connects with, right after
 * its migrations and before it serves anything. Idempotent; tables not created yet are skipped.
 *
 * Without the function (a database not provisioned by Relais): as a superuser, nothing could be append-only
 * for this connection anyway, so a warning; as any other role, the service refuses to start.
 */
export async function sealAppendOnlyTables(dataSource: DataSource, tables: readonly string[]): Promise<string[]> {
  if (tables.length === 0) return [];
  const [state] = await dataSource.query<Array<{ provisioned: boolean; superuser: boolean }>>(
    `SELECT to_regprocedure($1) IS NOT NULL AS provisioned, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser`,
    [SEAL_FUNCTION],
  );
  if (state?.provisioned) {
    const [row] = await dataSource.query<Array<{ sealed: string[] }>>(`SELECT ${SEAL_FUNCTION_NAME}($1::text[]) AS sealed`, [tables]);
    return row?.sealed ?? [];
  }
  const why = `${SEAL_FUNCTION} is missing: this database was not provisioned with the service's own roles (docs/decisions/0004-database-roles.md)`;
  if (state?.superuser) {
    new Logger('Persistence').warn(`connected as a superuser, so ${tables.join(', ')} are not append-only for this service; ${why}`);
    return [];
  }
  throw new AppendOnlyTablesNotSealed(`cannot make ${tables.join(', ')} append-only: ${why}`);
}
