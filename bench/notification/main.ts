/**
 * `npm run bench:notification`: email through the real SMTP server (MailDev, as `npm start` runs it).
 *
 * 1. Raw SMTP limit of this run (L_smtp): nodemailer straight to the same MailDev, the same pool (2
 *    kept-open connections), messages of the same size as the notification's (a rendered
 *    `receiver-requested`), as fast as it takes them.
 * 2. Throughput: N referrals published at once; messages/s from the first event to the last message
 *    settled `sent` by the notification service (its compiled main, a child process). Target ≥ 0.5 × L_smtp.
 * 3. Latency: 20 referrals/s for 30 s; event committed (the stand-in referral's outbox row) → mail accepted
 *    by the SMTP server (`sent_at`), p50/p95/p99. Target p95 ≤ 1 s.
 * One JSON line at the end with the figures, targets, ratios and `met`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { serviceSnapshot, structureSnapshot } from '@relais/contracts/testing';
import { freePort, serviceEnvironment, startInfrastructure, stateSubdir, waitUntil, type Infrastructure } from '@relais/infra';
import { startStandInPublisher, type StandInPublisher } from '@relais/messaging/testing';
import { createTransport } from 'nodemailer';
import { Client } from 'pg';
import { atFixedRate, printTable, round, summarize } from '../shared/stats';

const argument = (name: string, fallback: number): number => {
  const raw = process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
};
const BURST = argument('burst', 400);
const RATE = argument('rate', 20);
const DURATION_S = argument('duration', 30);
const RAW_MESSAGES = argument('raw', 400);
const TARGET_RATIO = 0.5;
const TARGET_P95_MS = 1000;
const TOPIC_PREFIX = `bench-notification-${Date.now()}.`;

/** What the notification sends for a new referral, about: the raw messages have this size. */
function sampleBody(): { text: string; html: string } {
  const html = `<!doctype html><html lang="fr"><body>${'<p style="font-size:16px;line-height:24px">Une orientation vous attend : besoin, urgence, délais.</p>'.repeat(24)}</body></html>`;
  return { text: 'Une orientation vous attend : besoin, urgence, délais.\n'.repeat(20), html };
}

async function rawSmtpLimit(host: string, port: number): Promise<number> {
  const transport = createTransport({ pool: true, maxConnections: 2, host, port, secure: false, logger: false });
  const { text, html } = sampleBody();
  const send = (i: number) =>
    transport.sendMail({ from: 'Relais <ne-pas-repondre@relais.localhost>', to: `brut.${i}@bench.example`, subject: 'Nouvelle orientation (banc d’essai)', text, html, messageId: `<raw-${i}-${randomUUID()}@bench>` });
  await send(-1);
  const started = performance.now();
  // As many in flight as the pool takes: nodemailer queues the rest on its two connections.
  await Promise.all(Array.from({ length: RAW_MESSAGES }, (_, i) => send(i)));
  const seconds = (performance.now() - started) / 1000;
  transport.close();
  return RAW_MESSAGES / seconds;
}

/**
 * The compiled service, with the environment `npm start` gives it (serviceEnvironment: its own database
 * role and Kafka principal, the local SMTP server and SMS stand-in, action-link keys from the stack's
 * secrets), on this run's topic prefix.
 */
function startNotification(infrastructure: Infrastructure, databaseUrl: string, port: number, secretsDir: string): ChildProcess {
  return spawn(process.execPath, ['--enable-source-maps', join(__dirname, '../../services/notification/src/main.js')], {
    env: {
      PATH: process.env['PATH'] ?? '',
      ...serviceEnvironment('notification', databaseUrl, { infrastructure, secretsDir, topicPrefix: TOPIC_PREFIX, logLevel: 'warn' }),
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

function requested(structureId: string, serviceId: string) {
  const at = new Date();
  return {
    referralId: randomUUID(),
    personRef: `p-${randomUUID().slice(0, 12)}`,
    sendingStructureId: randomUUID(),
    receivingStructureId: structureId,
    receivingServiceId: serviceId,
    networkId: null,
    previousReferralId: null,
    needs: ['numerique--prendre-en-main-un-ordinateur'],
    urgency: 'normal' as const,
    assessmentId: null,
    consent: { scope: ['contact' as const], method: 'oral' as const, expiresAt: null },
    acknowledgeDueAt: new Date(at.getTime() + 2 * 86_400_000).toISOString(),
    firstContactDueAt: new Date(at.getTime() + 10 * 86_400_000).toISOString(),
    by: { role: 'agent' as const, structureId: randomUUID(), subject: 'bench' },
    at: at.toISOString(),
  };
}

async function main(): Promise<void> {
  const dataDir = stateSubdir('bench', `notification-${process.pid}`);
  const [postgres, kafka, kafkaController, identity, smtp, mailWeb, sms, http] = await Promise.all(Array.from({ length: 8 }, () => freePort()));
  process.stdout.write('starting PostgreSQL, Kafka, the identity provider and MailDev…\n');
  const infrastructure = await startInfrastructure({ dataDir, ports: { postgres, kafka, kafkaController, identity, smtp, mailWeb, sms }, fast: false, topicPrefix: TOPIC_PREFIX });
  let child: ChildProcess | undefined;
  let referral: StandInPublisher | undefined;
  let directory: StandInPublisher | undefined;
  const db = new Client({ connectionString: await infrastructure.database('bench_notification') });
  try {
    const messages = infrastructure.messages;
    if (!messages) throw new Error('no local SMTP server');
    process.stdout.write('raw SMTP limit (nodemailer straight to MailDev)…\n');
    const rawLimit = await rawSmtpLimit(messages.smtpHost, messages.smtpPort);

    child = startNotification(infrastructure, await infrastructure.database('bench_notification'), http, join(dataDir, 'secrets'));
    const exited = new Promise<never>((_resolve, reject) => child?.once('exit', (code) => reject(new Error(`the notification service exited (${String(code)})`))));
    exited.catch(() => undefined);
    await Promise.race([waitUntil('notification ready', async () => (await fetch(`http://127.0.0.1:${http}/api/notification/health/ready`)).status === 200), exited]);
    await db.connect();
    const sasl = infrastructure.kafkaAdmin;
    referral = await startStandInPublisher({ service: 'referral', databaseUrl: await infrastructure.database('bench_standin_referral'), brokers: infrastructure.kafkaBrokers, topicPrefix: TOPIC_PREFIX, ...(sasl ? { sasl } : {}) });
    directory = await startStandInPublisher({ service: 'directory', databaseUrl: await infrastructure.database('bench_standin_directory'), brokers: infrastructure.kafkaBrokers, topicPrefix: TOPIC_PREFIX, ...(sasl ? { sasl } : {}) });
    const structureId = randomUUID();
    const serviceId = randomUUID();
    await directory.publish('fr.relais.directory.structure.snapshot.v1', structureSnapshot({ structureId, name: 'Médiathèque (banc)', referralEmail: 'orientations@bench.example', version: 1 }));
    await directory.publish('fr.relais.directory.service.snapshot.v1', serviceSnapshot({ serviceId, structureId, name: 'Ateliers (banc)', version: 1 }));
    await waitUntil('directory copy', async () => (await db.query(`SELECT 1 FROM notification_service WHERE service_id = $1`, [serviceId])).rows.length > 0);
    const publish = async (): Promise<{ referralId: string; at: number }> => {
      const event = requested(structureId, serviceId);
      await referral?.publish('fr.relais.referral.referral.requested.v1', event);
      return { referralId: event.referralId, at: Date.now() };
    };
    const sentCount = async (): Promise<number> => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM notification_message WHERE status = 'sent'`)).rows[0]?.n ?? 0;

    process.stdout.write(`throughput: ${BURST} referrals at once…\n`);
    const burstStarted = Date.now();
    await Promise.all(Array.from({ length: BURST }, () => publish()));
    await waitUntil('burst sent', async () => (await sentCount()) >= BURST, { timeoutMs: 600_000, intervalMs: 100 });
    const burstRate = BURST / ((Date.now() - burstStarted) / 1000);
    // Where the time went (profile): how fast the consumer recorded the burst, and how fast the sender
    // sent once it had work (first to last acceptance), each in messages/s.
    const [span] = (
      await db.query<{ recorded_s: number; sending_s: number }>(
        `SELECT extract(epoch FROM max(created_at) - to_timestamp($1::double precision / 1000))::float AS recorded_s,
                extract(epoch FROM max(sent_at) - min(sent_at))::float AS sending_s
           FROM notification_message WHERE status = 'sent'`,
        [burstStarted],
      )
    ).rows;
    const recordedRate = span ? BURST / span.recorded_s : Number.NaN;
    const sendingRate = span ? BURST / span.sending_s : Number.NaN;

    process.stdout.write(`latency: ${RATE} referrals/s for ${DURATION_S} s…\n`);
    const published: Array<{ referralId: string; at: number }> = [];
    await atFixedRate(RATE, DURATION_S * 1000, async () => {
      published.push(await publish());
    });
    await waitUntil('paced sent', async () => (await sentCount()) >= BURST + published.length, { timeoutMs: 600_000, intervalMs: 200 });
    const { rows } = await db.query<{ referral_id: string; sent_at: Date }>(`SELECT referral_id, sent_at FROM notification_message WHERE referral_id = ANY($1::uuid[])`, [
      published.map((p) => p.referralId),
    ]);
    const sentAt = new Map(rows.map((row) => [row.referral_id, row.sent_at.getTime()]));
    const latency = summarize(published.map((p) => (sentAt.get(p.referralId) ?? Number.NaN) - p.at));

    const ratio = round(burstRate / rawLimit, 3);
    printTable('Notification: email through MailDev', [
      { measure: 'raw SMTP limit (msg/s)', value: round(rawLimit), target: '' },
      { measure: 'through notification (msg/s)', value: round(burstRate), target: `≥ ${TARGET_RATIO} × raw` },
      { measure: 'ratio', value: ratio, target: TARGET_RATIO },
      { measure: '  recorded by the consumer (msg/s)', value: round(recordedRate), target: '' },
      { measure: '  sent, first to last acceptance (msg/s)', value: round(sendingRate), target: '' },
      { measure: `event → mail accepted p50 @${RATE}/s (ms)`, value: latency.p50, target: '' },
      { measure: `event → mail accepted p95 @${RATE}/s (ms)`, value: latency.p95, target: `≤ ${TARGET_P95_MS}` },
      { measure: `event → mail accepted p99 @${RATE}/s (ms)`, value: latency.p99, target: '' },
    ]);
    const result = {
      bench: 'notification',
      rawSmtpPerSecond: round(rawLimit),
      notificationPerSecond: round(burstRate),
      recordedPerSecond: round(recordedRate),
      sendingPerSecond: round(sendingRate),
      ratio,
      latencyMs: latency,
      rate: RATE,
      targets: { ratio: TARGET_RATIO, p95Ms: TARGET_P95_MS },
      met: { ratio: ratio >= TARGET_RATIO, p95: latency.p95 <= TARGET_P95_MS },
    };
    process.stdout.write(`\n${JSON.stringify(result)}\n`);
  } finally {
    await referral?.stop().catch(() => undefined);
    await directory?.stop().catch(() => undefined);
    await db.end().catch(() => undefined);
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child?.once('exit', resolve));
    }
    await infrastructure.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
