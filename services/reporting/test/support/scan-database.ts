import type { Client } from 'pg';

/**
 * Every `table.column` of the database whose text form contains `needle`, whatever the column's type
 * (text, jsonb, arrays…): where an erased person's reference could still be read.
 */
export async function tablesContaining(db: Client, needle: string): Promise<string[]> {
  const { rows: columns } = await db.query<{ table_name: string; column_name: string }>(
    `SELECT c.table_name, c.column_name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
      ORDER BY c.table_name, c.column_name`,
  );
  const found: string[] = [];
  for (const { table_name: table, column_name: column } of columns) {
    const { rows } = await db.query<{ hit: boolean }>(`SELECT EXISTS (SELECT 1 FROM "${table}" WHERE position($1 in "${column}"::text) > 0) AS hit`, [needle]);
    if (rows[0]?.hit) found.push(`${table}.${column}`);
  }
  return found;
}
