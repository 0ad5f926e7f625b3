import type { FieldCipher } from './field-cipher';

/** A node-postgres client or pool: rotation runs outside any service, with its own connection. */
export interface SqlClient {
  query<R extends object>(text: string, values?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
}

export interface RotationProgress {
  /** Rows read so far that were not under the current master key. */
  examined: number;
  /** Re-wrapped under the current key. */
  rewrapped: number;
  /** Changed or erased by the service between the read and the write: left as the service made them. */
  skipped: number;
  /** Wrapped under a key that is not in the ring: cannot be re-wrapped (each one is named in `failures`). */
  failed: number;
}

export interface RotationReport extends RotationProgress {
  currentKeyId: string;
  /** After the run: how many person keys each master key wraps (a retired key must be at 0). */
  keysById: Record<string, number>;
  failures: Array<{ personRef: string; error: string }>;
}

export interface RotationOptions {
  /** Rows per batch: each batch is one short UPDATE, so the service keeps running alongside. */
  batchSize?: number;
  /** Pause between batches, to leave the database to the service under load. */
  pauseMs?: number;
  onBatch?: (progress: RotationProgress) => void;
}

/**
 * The wrapped key's master key id, in SQL: version 2 keys carry it after a length byte; version 1 keys
 * (before ids) are `k1`. Used to find what still needs re-wrapping and to count keys per master key.
 */
const keyIdSql = `CASE WHEN get_byte(wrapped_key, 0) = 2 THEN encode(substring(wrapped_key FROM 3 FOR get_byte(wrapped_key, 1)), 'escape') ELSE 'k1' END`;

/**
 * Re-wraps every person key that is not under the ring's current master key, in batches, while the
 * service runs: the service reads keys wrapped under any key of its ring, so a person key is readable
 * before, during and after its re-wrap. Each batch is one UPDATE that only replaces a wrapped key still
 * equal to what was read (compare-and-set): a key erased or created meanwhile is left alone, never
 * resurrected. Person data itself is not touched: its data key does not change.
 *
 * Walks the table once in primary-key order; keys created during the run are already under the current
 * master key (the service wraps with it), so one pass is enough.
 */
export async function rotatePersonKeys(db: SqlClient, cipher: FieldCipher, options: RotationOptions = {}): Promise<RotationReport> {
  const batchSize = options.batchSize ?? 500;
  const currentKeyId = cipher.ring.current.id;
  const progress: RotationProgress = { examined: 0, rewrapped: 0, skipped: 0, failed: 0 };
  const failures: RotationReport['failures'] = [];
  let after = '';
  for (;;) {
    const { rows } = await db.query<{ person_ref: string; wrapped_key: Buffer }>(
      `SELECT person_ref, wrapped_key FROM person_keys
        WHERE person_ref > $1 AND ${keyIdSql} <> $2
        ORDER BY person_ref LIMIT $3`,
      [after, currentKeyId, batchSize],
    );
    if (rows.length === 0) break;
    after = rows[rows.length - 1]?.person_ref ?? after;
    const refs: string[] = [];
    const previous: Buffer[] = [];
    const next: Buffer[] = [];
    for (const row of rows) {
      try {
        next.push(cipher.rewrap(row.wrapped_key, row.person_ref));
        refs.push(row.person_ref);
        previous.push(row.wrapped_key);
      } catch (error) {
        progress.failed += 1;
        failures.push({ personRef: row.person_ref, error: error instanceof Error ? error.message : String(error) });
      }
    }
    progress.examined += rows.length;
    if (refs.length > 0) {
      const updated = await db.query(
        `UPDATE person_keys AS p SET wrapped_key = v.next_key
           FROM unnest($1::text[], $2::bytea[], $3::bytea[]) AS v(person_ref, previous_key, next_key)
          WHERE p.person_ref = v.person_ref AND p.wrapped_key = v.previous_key`,
        [refs, previous, next],
      );
      const count = updated.rowCount ?? 0;
      progress.rewrapped += count;
      progress.skipped += refs.length - count;
    }
    options.onBatch?.({ ...progress });
    if (rows.length < batchSize) break;
    if (options.pauseMs) await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
  }
  return { ...progress, currentKeyId, keysById: await countKeysById(db), failures };
}

/** How many person keys each master key wraps: a previous key may leave the ring once at 0. */
export async function countKeysById(db: SqlClient): Promise<Record<string, number>> {
  const { rows } = await db.query<{ key_id: string; count: string }>(`SELECT ${keyIdSql} AS key_id, count(*) AS count FROM person_keys GROUP BY 1 ORDER BY 1`);
  return Object.fromEntries(rows.map((row) => [row.key_id, Number(row.count)]));
}
