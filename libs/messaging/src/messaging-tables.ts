import type { DataSource } from 'typeorm';

/** The LISTEN/NOTIFY channel that wakes the relay when a transaction with events commits. */
export const OUTBOX_CHANNEL = 'relais_outbox';


export interface OutboxRow {
  id: string;
  event_id: string;
  type: string;
  topic: string;
  key: string;
  payload: unknown;
  traceparent: string | null;
  event_time: Date;
}

const PRUNING_CHUNK = 5_000;

/**
 * Runs a DELETE over and over, each time of at most a chunk of rows (the statement takes the chunk size
 * and gives its parameters), until fewer than a chunk went or the job is stopping; returns how many went.
 */
export async function deleteInChunks(dataSource: DataSource, statement: (chunk: number) => [string, unknown[]], stopping: AbortSignal): Promise<number> {
  let total = 0;
  for (;;) {
    const [sql, parameters] = statement(PRUNING_CHUNK);
    // TypeORM answers a DELETE with [rows, affected count].
    const [, deleted] = await dataSource.query<[unknown, number]>(sql, parameters);
    total += deleted;
    if (deleted < PRUNING_CHUNK || stopping.aborted) return total;
  }
}
