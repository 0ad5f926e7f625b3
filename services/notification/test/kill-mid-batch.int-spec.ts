import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';
import { generateActionLinkKeys } from '@relais/auth';
import { serviceSnapshot, structureSnapshot } from '@relais/contracts/testing';
import { startStandInPublisher, type StandInPublisher } from '@relais/messaging/testing';
import { messageIdsTo, serviceTestEnvironment, slowSmtpProxy, standInTarget, testMessaging } from '@relais/testing';

/**
 * The compiled service: `npm test` builds before it runs the suites (RELAIS_BUILD_DIR), a developer runs
 * the swc compile into dist/ first. A kill -9 needs a process of its own, not the test's.
 */
const builtMain = join(process.env['RELAIS_BUILD_DIR'] ?? join(__dirname, '../../../dist'), 'services/notification/src/main.js');

/**
 * Issue 12's promise about SMTP, which has no idempotency: a kill -9 of the notification process in the
 * middle of a batch resends at most the message that was in flight, with the same Message-ID (so mail
 * clients fold it), and loses nothing. The process is a real child (the compiled service), killed with
 * SIGKILL while it sends through a slowed path to the run's real SMTP server (MailDev); what MailDev
 * received is read from its `.eml` files.
 */

async function freePort(): Promise<number> {
  const probe = createServer();
  const port = await new Promise<number>((resolve) => probe.listen(0, '127.0.0.1', () => resolve((probe.address() as { port: number }).port)));
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function waitFor<T>(check: () => Promise<T | null> | T | null, what: string, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('notification: kill -9 in the middle of a batch', () => {
  const batch = 8;
  let env: Record<string, string>;
  let drop: () => Promise<void>;
  let referral: StandInPublisher;
  let directory: StandInPublisher;
  let targets: Array<Awaited<ReturnType<typeof standInTarget>>>;
  let proxy: { port: number; server: Server };
  let db: Client;
  const children: ChildProcess[] = [];

  const start = async (): Promise<ChildProcess> => {
    const child = spawn(process.execPath, [builtMain], { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: 'ignore' });
    children.push(child);
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error('the service exited');
      const response = await fetch(`http://127.0.0.1:${env['PORT']}/api/notification/health/ready`).catch(() => null);
      return response?.ok ? true : null;
    }, 'the service is ready');
    return child;
  };

  beforeAll(async () => {
    if (!existsSync(builtMain)) throw new Error(`${builtMain} is missing: compile first (npm test does)`);
    const messaging = testMessaging();
    proxy = await slowSmtpProxy({ host: messaging.smtpHost, port: messaging.smtpPort }, 60);
    const prepared = await serviceTestEnvironment('notifkill');
    drop = prepared.drop;
    env = {
      ...prepared.env,
      PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(proxy.port),
      ACTION_LINK_SIGNING_KEY: generateActionLinkKeys('t1').signingKey,
      RELAIS_PUBLIC_URL: 'http://relais.test',
    };
    const topicPrefix = env['KAFKA_TOPIC_PREFIX'] ?? '';
    const referralTarget = await standInTarget('referral');
    const directoryTarget = await standInTarget('directory');
    targets = [referralTarget, directoryTarget];
    referral = await startStandInPublisher({ service: 'referral', ...referralTarget, topicPrefix });
    directory = await startStandInPublisher({ service: 'directory', ...directoryTarget, topicPrefix });
    db = new Client({ connectionString: env['DATABASE_URL'] });
  });

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await db?.end();
    await referral?.stop();
    await directory?.stop();
    for (const target of targets ?? []) await target.drop();
    await new Promise((resolve) => proxy?.server.close(resolve));
    await drop?.();
  });

  it('resends at most the message in flight, with the same Message-ID, and loses none', async () => {
    const first = await start();
    await db.connect();
    const address = `orientations.kill.${randomUUID().slice(0, 8)}@structures.example`;
    const structureId = randomUUID();
    const serviceId = randomUUID();
    await directory.publish('fr.relais.directory.structure.snapshot.v1', structureSnapshot({ structureId, name: 'Médiathèque', referralEmail: address, version: 1 }));
    await directory.publish('fr.relais.directory.service.snapshot.v1', serviceSnapshot({ serviceId, structureId, name: 'Ateliers', version: 1 }));
    await waitFor(async () => ((await db.query(`SELECT 1 FROM notification_service WHERE service_id = $1`, [serviceId])).rows.length > 0 ? true : null), 'the directory copy');

    const at = new Date();
    for (let i = 0; i < batch; i++) {
      await referral.publish('fr.relais.referral.referral.requested.v1', {
        referralId: randomUUID(), personRef: `p-${randomUUID().slice(0, 12)}`, sendingStructureId: randomUUID(), receivingStructureId: structureId, receivingServiceId: serviceId,
        networkId: null, previousReferralId: null, needs: [], urgency: 'normal', assessmentId: null, consent: { scope: ['contact'], method: 'oral', expiresAt: null },
        acknowledgeDueAt: new Date(at.getTime() + 2 * 86_400_000).toISOString(), firstContactDueAt: new Date(at.getTime() + 10 * 86_400_000).toISOString(),
        by: { role: 'agent', structureId: randomUUID(), subject: 'agent-sub' }, at: at.toISOString(),
      });
    }
    const { mailDir } = testMessaging();
    // Mid-batch: some mails are in, the others recorded and waiting; then SIGKILL, no goodbye.
    await waitFor(() => (messageIdsTo(mailDir, address).length >= 2 ? true : null), 'the first mails arrived');
    const { rows: beforeKill } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM notification_message WHERE status = 'queued'`);
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    expect(beforeKill[0]?.n).toBeGreaterThan(0);

    await start();
    // The in-flight message's lease (60 s) runs out, then everything is settled.
    await waitFor(async () => {
      const { rows } = await db.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM notification_message GROUP BY status`);
      return rows.length === 1 && rows[0]?.status === 'sent' && rows[0].n === batch ? true : null;
    }, 'every message is sent', 150_000);
    const { rows: recorded } = await db.query<{ message_id: string }>(`SELECT message_id FROM notification_message`);
    const received = messageIdsTo(mailDir, address);
    // Nothing lost: every recorded message arrived, under its recorded Message-ID.
    expect(new Set(received)).toEqual(new Set(recorded.map((row) => row.message_id)));
    // At most the one in flight came twice, and then with the same Message-ID (a Set of 8 from at most 9 mails).
    expect(received.length - batch).toBeGreaterThanOrEqual(0);
    expect(received.length - batch).toBeLessThanOrEqual(1);
  }, 300_000);
});
