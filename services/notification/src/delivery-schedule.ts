import type { TransactionHost, TransactionalAdapterTypeOrm } from '@relais/persistence';

/**
 * The schedule of the one sending loop (messages/message-sender.ts: emails, SMS and signed webhooks): how
 * rows are claimed, how long a claim holds, how often the loop polls, and the retry/backoff rule.
 */

/** How long a claimed row stays out of the other replicas' reach while its attempt runs. */
export const LEASE_S = 60;
/** Rows claimed per round; a full batch means more are due. */
export const BATCH = 20;
/** How often the loop looks for due rows when nothing woke it. */
export const POLL_MS = 1000;

/**
 * The wait before the next attempt after attempt `attempt` (1-based) failed, or null when `budget`
 * attempts were made (by default one more than there are delays). Past the list, its last delay.
 */
export function retryDelayS(attempt: number, delaysS: readonly number[], budget: number = delaysS.length + 1): number | null {
  if (attempt >= budget) return null;
  return delaysS[attempt - 1] ?? delaysS[delaysS.length - 1] ?? 60;
}

/** Which rows a loop sends: fixed identifiers of this service's tables, never input. */
export interface DueRowsQuery {
  /** The table, aliased `d` in the statement. */
  table: string;
  /** The status of rows still to send. */
  pendingStatus: string;
  /** More assignments after `attempts`, e.g. `channel_attempts = d.channel_attempts + 1`. */
  alsoSet?: string;
  /** The RETURNING list. */
  returning: string;
}

/**
 * Claims up to BATCH due rows: their next attempt pushed LEASE_S away (so replicas never send the same
 * row at once, and a crashed sender's row comes back when the lease runs out) and `attempts` counted
 * before the attempt, so a crash mid-send still counts it. Run outside any transaction: the UPDATE
 * commits at once and the sending happens after it.
 */
export async function claimDue<Row>(txHost: TransactionHost<TransactionalAdapterTypeOrm>, query: DueRowsQuery): Promise<Row[]> {
  const also = query.alsoSet ? `, ${query.alsoSet}` : '';
  // TypeORM answers an UPDATE … RETURNING with [rows, affected count].
  const [due] = await txHost.tx.query<[Row[], number]>(
    `UPDATE ${query.table} d SET next_attempt_at = now() + make_interval(secs => $1), attempts = d.attempts + 1${also}
      WHERE d.id IN (SELECT id FROM ${query.table} WHERE status = $3 AND next_attempt_at <= now()
                          ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
      RETURNING ${query.returning}`,
    [LEASE_S, BATCH, query.pendingStatus],
  );
  return due;
}
