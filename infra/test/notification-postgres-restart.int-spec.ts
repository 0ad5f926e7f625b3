import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { messageIdsTo, slowSmtpProxy } from '@relais/testing';
import { startInfrastructure, type Infrastructure } from '../src/infrastructure';
import { freePort, waitUntil } from '../src/net';
import { serviceEnvironment } from '../src/platform';
import { builtFile, stateSubdir } from '../src/state-dir';

/*
 * Issue 12's promise across a PostgreSQL restart (`npm run chaos` once saw one email sent twice): the
 * notification service (compiled, a child process) sends a batch through a slowed path to the real SMTP
 * server (MailDev, as `npm start` runs it) while the real PostgreSQL, durable settings and supervised as
 * `npm start` runs it, is killed with SIGKILL and restarted. Every recorded message arrives exactly once:
 * the one whose SMTP acceptance came while the database was away is settled when it is back, not resent
 * when its lease runs out. Here rather than in services/notification: only infra may start a PostgreSQL
 * of its own, and the test run's shared one must not be restarted under the other suites.
 */
const root = stateSubdir('test', `notification-pg-restart-${process.pid}-${Date.now()}`);
const topicPrefix = `pgrestart-${Date.now()}.`;

/** One query on a fresh connection, or null while the server is away. */
async function queryOnce<Row>(url: string, sql: string): Promise<Row[] | null> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.query(sql)).rows as Row[];
  } catch {
    return null;
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe('notification: a PostgreSQL restart in the middle of a batch', () => {
  const batch = 8;
  let infrastructure: Infrastructure | undefined;
  let proxy: { port: number; server: Server } | undefined;
  let child: ChildProcess | undefined;

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child?.once('exit', resolve));
    }
    await new Promise((resolve) => (proxy ? proxy.server.close(resolve) : resolve(undefined)));
    await infrastructure?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('sends every message exactly once, the one accepted while the database was down included', async () => {
    const main = builtFile('services/notification/src/main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: compile first (npm test does)`);
    const [postgres, kafka, kafkaController, identity, smtp, mailWeb, sms, http] = await Promise.all(Array.from({ length: 8 }, () => freePort()));
    const dataDir = join(root, 'data');
    // Durable settings and supervision, as `npm start` (and so `npm run chaos`) runs PostgreSQL.
    const infra = await startInfrastructure({ dataDir, ports: { postgres, kafka, kafkaController, identity, smtp, mailWeb, sms }, fast: false, supervise: true, topicPrefix });
    infrastructure = infra;
    const messages = infra.messages;
    if (!messages) throw new Error('no local SMTP server');
    proxy = await slowSmtpProxy({ host: messages.smtpHost, port: messages.smtpPort }, 150);
    const databaseUrl = await infra.database('relais_notification');
    const env = {
      ...serviceEnvironment('notification', databaseUrl, { infrastructure: infra, secretsDir: join(dataDir, 'secrets'), topicPrefix, logLevel: 'warn', publicUrl: 'http://relais.test' }),
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(proxy.port),
      PORT: String(http),
      HOST: '127.0.0.1',
    };
    child = spawn(process.execPath, [main], { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: 'ignore' });
    const running = child;
    await waitUntil('notification ready', async () => {
      if (running.exitCode !== null) throw new Error('the notification service exited');
      return (await fetch(`http://127.0.0.1:${http}/api/notification/health/ready`).catch(() => null))?.status === 200;
    });
    // The batch as the consumer records it (messages/message-recorder.ts): queued, each with its fixed
    // Message-ID; the sender, polling every second, takes them up. What recorded them is not under test here.
    const address = `orientations.restart.${randomUUID().slice(0, 8)}@structures.example`;
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      for (let i = 0; i < batch; i++) {
        const key = `pg-restart:${randomUUID()}`;
        await db.query(
          `INSERT INTO notification_message (id, dedupe_key, message_id, event_id, event_type, template, recipient_kind, channel, address, subject, body_text, body_html)
           VALUES ($1, $2, $3, $2, 'fr.relais.referral.referral.requested.v1', 'receiver-requested', 'receiver', 'email', $4, $5, $6, $7)`,
          [randomUUID(), key, `<${randomUUID()}@relais.test>`, address, `Nouvelle orientation ${i + 1}`, `Orientation ${i + 1}`, `<p>Orientation ${i + 1}</p>`],
        );
      }
    } finally {
      await db.end();
    }
    // Mid-batch: some mails are in, one is on its way through the slowed SMTP dialogue; then PostgreSQL dies.
    await waitUntil('the first mails arrived', () => Promise.resolve(messageIdsTo(messages.mailDir, address).length >= 2), { timeoutMs: 120_000, intervalMs: 20 });
    const postmaster = Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(postmaster, 'SIGKILL');
    const inAtKill = messageIdsTo(messages.mailDir, address).length;
    expect(inAtKill).toBeLessThan(batch);

    // The supervisor restarts PostgreSQL; the service reconnects and finishes the batch.
    await waitUntil(
      'every message is sent',
      async () => {
        const rows = await queryOnce<{ status: string; n: number }>(databaseUrl, `SELECT status, count(*)::int AS n FROM notification_message GROUP BY status`);
        return rows !== null && rows.length === 1 && rows[0]?.status === 'sent' && rows[0].n === batch;
      },
      { timeoutMs: 180_000, intervalMs: 500 },
    );
    // A resend would have been what settled the message left unsettled (after its lease, 60 s): once every
    // message is `sent`, whatever was sent twice is in the mailbox.
    const recorded = (await queryOnce<{ message_id: string }>(databaseUrl, `SELECT message_id FROM notification_message`)) ?? [];
    const received = messageIdsTo(messages.mailDir, address);
    const perMessageId = new Map<string, number>();
    for (const id of received) perMessageId.set(id, (perMessageId.get(id) ?? 0) + 1);
    expect(new Set(received)).toEqual(new Set(recorded.map((row) => row.message_id)));
    expect([...perMessageId.values()]).toEqual(Array.from({ length: batch }, () => 1));
  }, 420_000);
});
