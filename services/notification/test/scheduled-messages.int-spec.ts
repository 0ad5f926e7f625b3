import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { Client } from 'pg';
import { generateActionLinkKeys } from '@relais/auth';
import { networkSnapshot, serviceSnapshot, structureSnapshot } from '@relais/contracts/testing';
import { startStandInPublisher, type StandInPublisher } from '@relais/messaging/testing';
import { eventually, standInTarget, startTestService, testMessaging, userToken, type TestService } from '@relais/testing';
import { AppModule, service } from '../src/app.module';
import { readConfig } from '../src/config';
import { DailyDigest } from '../src/messages/daily-digest';
import { LastReminders } from '../src/messages/last-reminders';
import { WeeklySummary } from '../src/messages/weekly-summary';
import { mailTo } from './support/local-messages';

// The scheduled messages (last reminder before expiry, daily digest, coordinators' weekly summary), from
// events on Kafka to mail in the run's real SMTP server. Rounds are run with the moment they would run at.
describe('notification: scheduled messages', () => {
  let notification: TestService;
  let referral: StandInPublisher;
  let directory: StandInPublisher;
  let targets: Array<Awaited<ReturnType<typeof standInTarget>>>;
  let directoryApi: Server;
  let db: Client;
  const coordinators = new Map<string, string[]>();
  const keys = generateActionLinkKeys('t1');
  const run = randomUUID().slice(0, 8);

  beforeAll(async () => {
    const messaging = testMessaging();
    // The directory's public network record, where coordinators' addresses are published.
    directoryApi = createServer((request, response) => {
      const id = /^\/api\/directory\/v1\/networks\/([0-9a-f-]{36})$/.exec(request.url ?? '')?.[1];
      const emails = id ? coordinators.get(id) : undefined;
      if (!emails) return void response.writeHead(404).end();
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id, coordinators: emails.map((email) => ({ name: 'Coordination', email, phone: null })) }));
    });
    await new Promise<void>((resolve) => directoryApi.listen(0, '127.0.0.1', resolve));
    const address = directoryApi.address();
    notification = await startTestService(service, readConfig, (config) => AppModule.forRoot(config), {
      SMTP_HOST: messaging.smtpHost,
      SMTP_PORT: String(messaging.smtpPort),
      ACTION_LINK_SIGNING_KEY: keys.signingKey,
      RELAIS_PUBLIC_URL: 'http://relais.test',
      NOTIFICATION_DIGEST_TIME: '00:00',
      NOTIFICATION_WEEKLY_SUMMARY_TIME: '00:00',
      NOTIFICATION_LAST_REMINDER_HOURS: '24',
      DIRECTORY_API_URL: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/api/directory`,
    });
    const topicPrefix = notification.env['KAFKA_TOPIC_PREFIX'] ?? '';
    const referralTarget = await standInTarget('referral');
    const directoryTarget = await standInTarget('directory');
    targets = [referralTarget, directoryTarget];
    referral = await startStandInPublisher({ service: 'referral', ...referralTarget, topicPrefix });
    directory = await startStandInPublisher({ service: 'directory', ...directoryTarget, topicPrefix });
    db = new Client({ connectionString: notification.env['DATABASE_URL'] });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await referral?.stop();
    await directory?.stop();
    for (const target of targets ?? []) await target.drop();
    await notification?.stop();
    await new Promise((resolve) => directoryApi?.close(resolve));
  });

  /** A network, a structure with a referral mailbox of this run, and one service of it in that network. */
  async function place(label: string, options: { expireAfterDays?: number; openSlotsPerWeek?: number | null; structureId?: string } = {}) {
    const networkId = randomUUID();
    const structureId = options.structureId ?? randomUUID();
    const serviceId = randomUUID();
    const email = `orientations.${run}.${label}@structures.example`;
    await directory.publish('fr.relais.directory.network.snapshot.v1', networkSnapshot({ networkId, name: `Pays ${label}`, sla: { acknowledgeBusinessDays: 2, firstContactBusinessDays: 10, expireAfterDays: options.expireAfterDays ?? 30 } }));
    await directory.publish('fr.relais.directory.structure.snapshot.v1', structureSnapshot({ structureId, name: `Structure ${label}`, referralEmail: email, version: 1 }));
    const base = serviceSnapshot({ serviceId, structureId, name: `Ateliers ${label}`, version: 1 });
    await directory.publish('fr.relais.directory.service.snapshot.v1', { ...base, networkIds: [networkId], capacity: { ...base.capacity, openSlotsPerWeek: options.openSlotsPerWeek ?? null } });
    await eventually(async () => {
      const { rows } = await db.query(
        `SELECT 1 FROM notification_service s JOIN notification_structure t USING (structure_id) JOIN notification_network n ON n.network_id = ANY(s.network_ids) WHERE s.service_id = $1`,
        [serviceId],
      );
      expect(rows).toHaveLength(1);
    });
    return { networkId, structureId, serviceId, email };
  }

  async function requested(
    where: { networkId: string; structureId: string; serviceId: string },
    options: { at?: Date; urgency?: 'normal' | 'urgent'; ackDueAt?: Date; sendingStructureId?: string } = {},
  ) {
    const at = options.at ?? new Date();
    const event = {
      referralId: randomUUID(),
      personRef: `p-${randomUUID().slice(0, 12)}`,
      sendingStructureId: options.sendingStructureId ?? randomUUID(),
      receivingStructureId: where.structureId,
      receivingServiceId: where.serviceId,
      networkId: where.networkId,
      previousReferralId: null,
      needs: ['numerique--prendre-en-main-un-ordinateur'],
      urgency: options.urgency ?? ('normal' as const),
      assessmentId: null,
      consent: { scope: ['contact' as const], method: 'oral' as const, expiresAt: null },
      acknowledgeDueAt: (options.ackDueAt ?? new Date(at.getTime() + 2 * 86_400_000)).toISOString(),
      firstContactDueAt: new Date(at.getTime() + 10 * 86_400_000).toISOString(),
      by: { role: 'agent' as const, structureId: randomUUID(), subject: 'agent-sub' },
      at: at.toISOString(),
    };
    await referral.publish('fr.relais.referral.referral.requested.v1', event);
    await eventually(async () => {
      const { rows } = await db.query(`SELECT 1 FROM notification_referral WHERE referral_id = $1`, [event.referralId]);
      expect(rows).toHaveLength(1);
    });
    return event;
  }

  it('reminds the receiver once, the day before a referral nobody acknowledged expires; not one acknowledged', async () => {
    const here = await place('rappel', { expireAfterDays: 3 });
    // Sent 2 days and 2 hours ago in a network whose referrals expire after 3 days: 22 hours left.
    const waiting = await requested(here, { at: new Date(Date.now() - 50 * 3_600_000) });
    const picked = await requested(here, { at: new Date(Date.now() - 50 * 3_600_000) });
    await referral.publish('fr.relais.referral.referral.received.v1', {
      referralId: picked.referralId, personRef: picked.personRef, sendingStructureId: picked.sendingStructureId, receivingStructureId: here.structureId,
      receivingServiceId: here.serviceId, networkId: here.networkId, from: 'requested', to: 'received', reasonCode: null, outcome: null, redirectedToReferralId: null,
      by: { role: 'agent', structureId: here.structureId, subject: 'agent' }, at: new Date().toISOString(),
    });
    await eventually(async () => {
      const { rows } = await db.query(`SELECT status FROM notification_referral WHERE referral_id = $1`, [picked.referralId]);
      expect(rows).toEqual([{ status: 'received' }]);
    });
    const reminders = notification.app.get(LastReminders);
    await reminders.job.runOnce(new Date());
    await reminders.job.runOnce(new Date());
    const mails = await eventually(async () => {
      const found = (await mailTo(here.email)).filter((mail) => mail.subject.startsWith('Dernier rappel'));
      expect(found).toHaveLength(1);
      return found;
    });
    expect(mails[0]?.text).toContain('/orientations/lien/');
    const { rows } = await db.query(`SELECT referral_id FROM notification_message WHERE template = 'receiver-last-reminder' AND recipient_structure_id = $1`, [here.structureId]);
    expect(rows).toEqual([{ referral_id: waiting.referralId }]);
  });

  it('sends a structure that chose the digest one mail a day for its referrals, urgent ones at once, and holds it in quiet hours', async () => {
    const { token, user } = await userToken((u) => u.username === 'agent.mediatheque-ploermel');
    const structureId = user.structureId ?? '';
    const here = await place('recap', { structureId });
    const paris = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    const hhmm = (date: Date) => paris.format(date);
    const save = (quietHours: { start: string; end: string } | null) =>
      fetch(`${notification.url}/v1/structures/${structureId}/preferences`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ channels: ['email'], smsNumber: null, quietHours, digest: true }),
      });
    // Quiet hours around now: the digest must wait.
    const saved = await save({ start: hhmm(new Date(Date.now() - 3_600_000)), end: hhmm(new Date(Date.now() + 3_600_000)) });
    expect(saved.status).toBe(200);
    expect(await saved.json()).toMatchObject({ digest: true });

    const { token: senderToken, user: sender } = await userToken((u) => u.username === 'agent.ccas-vannes');
    const { token: otherToken } = await userToken((u) => u.username === 'agent.ccas-lorient');
    const first = await requested(here, { sendingStructureId: sender.structureId ?? '' });
    const second = await requested(here);
    const urgent = await requested(here, { urgency: 'urgent' });
    await eventually(async () => expect((await mailTo(here.email)).map((m) => m.subject)).toEqual([expect.stringMatching(/^\[Urgent\] Nouvelle orientation/)]));
    const digest = notification.app.get(DailyDigest);
    expect(await digest.job.runOnce(new Date())).toEqual({ ran: true, result: 0 });

    expect((await save(null)).status).toBe(200);
    expect(await digest.job.runOnce(new Date())).toEqual({ ran: true, result: 1 });
    expect(await digest.job.runOnce(new Date())).toEqual({ ran: true, result: 0 });
    const [mail] = await eventually(async () => {
      const found = (await mailTo(here.email)).filter((m) => /^2 nouvelles orientations le /.test(m.subject));
      expect(found).toHaveLength(1);
      return found;
    });
    expect(mail?.text.match(/\/orientations\/lien\//g)).toHaveLength(2);
    expect(mail?.text).toContain('Voir l’orientation 2');
    const { rows } = await db.query(`SELECT referral_id FROM notification_digest_entry WHERE structure_id = $1 AND digest_key IS NOT NULL ORDER BY created_at`, [structureId]);
    expect(rows.map((row: { referral_id: string }) => row.referral_id).sort()).toEqual([first.referralId, second.referralId].sort());
    expect(rows.map((row: { referral_id: string }) => row.referral_id)).not.toContain(urgent.referralId);

    // The digest is a delivery of each referral it lists, for the two parties, with its state; others get 404.
    const deliveries = async (bearer: string, referralId: string) => {
      const response = await fetch(`${notification.url}/v1/deliveries?referralId=${referralId}`, { headers: { authorization: `Bearer ${bearer}` } });
      return { status: response.status, body: response.status === 200 ? ((await response.json()) as Array<Record<string, unknown>>) : [] };
    };
    const digestRow = { recipient: 'receiver', channel: 'email', template: 'receiver-digest', cause: 'notification.daily-digest', status: 'sent' };
    for (const bearer of [token, senderToken]) {
      await eventually(async () => expect((await deliveries(bearer, first.referralId)).body).toEqual([expect.objectContaining(digestRow)]));
    }
    expect((await deliveries(token, second.referralId)).body).toEqual([expect.objectContaining(digestRow)]);
    expect((await deliveries(token, urgent.referralId)).body.map((d) => d['template'])).toEqual(['receiver-requested']);
    expect((await deliveries(otherToken, first.referralId)).status).toBe(404);
  });

  it('sends each coordinator of a network, on Monday, the referrals past their deadline and the services at capacity', async () => {
    const here = await place('hebdo', { openSlotsPerWeek: 0 });
    const coordinator = `coordination.${run}@reseau.example`;
    coordinators.set(here.networkId, [coordinator]);
    await requested(here, { at: new Date(Date.now() - 5 * 86_400_000), ackDueAt: new Date(Date.now() - 3 * 86_400_000) });
    await requested(here);
    const summary = notification.app.get(WeeklySummary);
    // A Tuesday: nothing; the next Monday morning: one mail per coordinator, once.
    const monday = new Date(Date.UTC(2030, 0, 7, 9, 0));
    expect(await summary.job.runOnce(new Date(Date.UTC(2030, 0, 8, 9, 0)))).toEqual({ ran: true, result: 0 });
    expect(await summary.job.runOnce(monday)).toMatchObject({ ran: true });
    expect(await summary.job.runOnce(monday)).toEqual({ ran: true, result: 0 });
    const [mail] = await eventually(async () => {
      const found = await mailTo(coordinator);
      expect(found).toHaveLength(1);
      return found;
    });
    // By 2030 both referrals are past their acknowledgement deadline.
    expect(mail?.subject).toBe('Réseau Pays hebdo : 2 orientations en retard, 1 service complet');
    expect(mail?.text).toContain('Structure hebdo : 2 sans accusé de réception');
    expect(mail?.text).toContain('Structure hebdo — Ateliers hebdo : aucune place cette semaine');
  });
});
