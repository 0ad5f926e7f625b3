import { randomUUID } from 'node:crypto';
import { serviceTestEnvironment } from '@relais/testing';
import { DataSource } from 'typeorm';
import { migrations } from '../migrations';

// The migration that makes webhooks a channel of the one sending loop moves the deliveries an earlier
// version recorded into notification_message with their state, and back on revert; on a real PostgreSQL.
describe('notification: webhook deliveries moved into the one message table', () => {
  let env: Record<string, string>;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    ({ env, drop } = await serviceTestEnvironment('notifmigration'));
  });
  afterAll(async () => {
    await drop?.();
  });

  const source = (upTo: number) => new DataSource({ type: 'postgres', url: env['DATABASE_URL'], migrations: migrations.slice(0, upTo), migrationsRun: false, logging: false });

  it('keeps every delivery, its state, attempts, error and body, and gives them back on revert', async () => {
    const before = await source(migrations.length - 1).initialize();
    await before.runMigrations();
    const structureId = randomUUID();
    const subscriptionId = randomUUID();
    await before.query(`INSERT INTO webhook_subscription (id, structure_id, url, secret, event_types, created_by) VALUES ($1, $2, 'https://logiciel.example/relais', 'whsec_x', '{a}', 'test')`, [
      subscriptionId,
      structureId,
    ]);
    const body = { specversion: '1.0', id: 'evt-pending', data: { personRef: 'p-1', referralId: randomUUID() } };
    const rows: Array<[string, string, unknown, number, string | null]> = [
      ['evt-pending', 'pending', body, 2, 'HTTP 5xx'],
      ['evt-delivered', 'delivered', null, 1, null],
      ['evt-failed', 'failed', null, 6, 'délai dépassé'],
      ['evt-cancelled', 'cancelled', null, 0, null],
    ];
    for (const [eventId, status, payload, attempts, error] of rows) {
      await before.query(
        `INSERT INTO webhook_delivery (id, subscription_id, event_id, event_type, referral_id, body, status, attempts, last_error, delivered_at)
         VALUES ($1, $2, $3, 'fr.relais.referral.referral.requested.v1', NULL, $4, $5, $6, $7, CASE WHEN $5 = 'delivered' THEN now() END)`,
        [randomUUID(), subscriptionId, eventId, payload === null ? null : JSON.stringify(payload), status, attempts, error],
      );
    }
    await before.destroy();

    const after = await source(migrations.length).initialize();
    await after.runMigrations();
    const moved = await after.query<Array<{ event_id: string; status: string; attempts: number; last_error: string | null; channel: string; recipient_kind: string; recipient_structure_id: string; message_id: string; has_body: boolean; delivered: boolean }>>(
      `SELECT event_id, status, attempts, last_error, channel, recipient_kind, recipient_structure_id, message_id, body_text IS NOT NULL AS has_body, delivered_at IS NOT NULL AS delivered
         FROM notification_message WHERE subscription_id = $1 ORDER BY event_id`,
      [subscriptionId],
    );
    expect(moved).toEqual([
      { event_id: 'evt-cancelled', status: 'cancelled', attempts: 0, last_error: null, channel: 'webhook', recipient_kind: 'software', recipient_structure_id: structureId, message_id: 'evt-cancelled', has_body: false, delivered: false },
      { event_id: 'evt-delivered', status: 'delivered', attempts: 1, last_error: null, channel: 'webhook', recipient_kind: 'software', recipient_structure_id: structureId, message_id: 'evt-delivered', has_body: false, delivered: true },
      { event_id: 'evt-failed', status: 'failed', attempts: 6, last_error: 'délai dépassé', channel: 'webhook', recipient_kind: 'software', recipient_structure_id: structureId, message_id: 'evt-failed', has_body: false, delivered: false },
      { event_id: 'evt-pending', status: 'queued', attempts: 2, last_error: 'HTTP 5xx', channel: 'webhook', recipient_kind: 'software', recipient_structure_id: structureId, message_id: 'evt-pending', has_body: true, delivered: false },
    ]);
    // The CloudEvent kept for the one still to send is the same document, and erasure can find the person in it.
    const [kept] = await after.query<Array<{ ref: string }>>(`SELECT (body_text::jsonb) -> 'data' ->> 'personRef' AS ref FROM notification_message WHERE event_id = 'evt-pending'`);
    expect(kept?.ref).toBe('p-1');
    expect(await after.query(`SELECT to_regclass('webhook_delivery') AS t`)).toEqual([{ t: null }]);

    await after.undoLastMigration();
    const back = await after.query<Array<{ event_id: string; status: string; attempts: number }>>(`SELECT event_id, status, attempts FROM webhook_delivery ORDER BY event_id`);
    expect(back).toEqual([
      { event_id: 'evt-cancelled', status: 'cancelled', attempts: 0 },
      { event_id: 'evt-delivered', status: 'delivered', attempts: 1 },
      { event_id: 'evt-failed', status: 'failed', attempts: 6 },
      { event_id: 'evt-pending', status: 'pending', attempts: 2 },
    ]);
    expect(await after.query(`SELECT count(*)::int AS n FROM notification_message`)).toEqual([{ n: 0 }]);
    await after.destroy();
  });
});
