import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';

/**
 * The same single-row business + outbox transaction as L_pg, plus the `pg_notify` the outbox publisher
 * issues in every publishing transaction. PostgreSQL serialises the commits of notifying transactions
 * (a cluster-wide lock held through the WAL flush), so this is the ceiling of any service that publishes
 * through the outbox as it stands, whatever the service itself costs.
 */
export async function measureNotifyingLimit(databaseUrl: string, { clients = 8, durationMs = 10_000 } = {}): Promise<number> {
  const pool = new Pool({ connectionString: databaseUrl, max: clients });
  try {
    await pool.query('TRUNCATE bench_business, messaging_outbox');
    const payload = JSON.stringify({ filler: 'x'.repeat(900) });
    let done = 0;
    const deadline = performance.now() + durationMs;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        const client = await pool.connect();
        try {
          while (performance.now() < deadline) {
            const id = randomUUID();
            await client.query('BEGIN');
            await client.query('INSERT INTO bench_business (id, payload) VALUES ($1, $2)', [id, payload]);
            await client.query('INSERT INTO messaging_outbox (event_id, type, topic, key, payload, event_time) VALUES ($1, $2, $3, $4, $5, now())', [
              randomUUID(),
              'bench',
              'bench',
              id,
              payload,
            ]);
            await client.query(`SELECT pg_notify('bench_handoff_wakeup', '')`);
            await client.query('COMMIT');
            done++;
          }
        } finally {
          client.release();
        }
      }),
    );
    return done / ((performance.now() - started) / 1000);
  } finally {
    await pool.end();
  }
}
