import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { generateActionLinkKeys, parseVerifyKeys, verifyActionLink } from '@relais/auth';
import { serviceSnapshot, structureSnapshot } from '@relais/contracts/testing';
import { startStandInPublisher, type StandInPublisher } from '@relais/messaging/testing';
import { eventually, standInTarget, startTestService, testMessaging, userToken, type TestService } from '@relais/testing';
import { AppModule, service } from '../src/app.module';
import { readConfig } from '../src/config';
import { ClosableProxy } from './support/closable-proxy';
import { actionToken, mailTo, smsTo } from './support/local-messages';

// Referral and directory events on Kafka → messages recorded → sent through the run's real SMTP server
// (MailDev) and SMS stand-in; the SMTP path goes through a proxy the test can cut.
describe('notification: email and SMS to structures, with action links', () => {
  let notification: TestService;
  let referral: StandInPublisher;
  let directory: StandInPublisher;
  let targets: Array<Awaited<ReturnType<typeof standInTarget>>>;
  let smtp: ClosableProxy;
  const keys = generateActionLinkKeys('t1');
  const run = randomUUID().slice(0, 8);

  beforeAll(async () => {
    const messaging = testMessaging();
    smtp = await ClosableProxy.start({ host: messaging.smtpHost, port: messaging.smtpPort });
    notification = await startTestService(service, readConfig, (config) => AppModule.forRoot(config), {
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      SMS_API_URL: messaging.smsApiUrl,
      SMS_API_KEY: messaging.smsApiKey,
      ACTION_LINK_SIGNING_KEY: keys.signingKey,
      RELAIS_PUBLIC_URL: 'http://relais.test',
      NOTIFICATION_RETRY_DELAYS_S: '1,1,1',
      NOTIFICATION_FALLBACK_AFTER_ATTEMPTS: '2',
    });
    const topicPrefix = notification.env['KAFKA_TOPIC_PREFIX'] ?? '';
    const referralTarget = await standInTarget('referral');
    const directoryTarget = await standInTarget('directory');
    targets = [referralTarget, directoryTarget];
    referral = await startStandInPublisher({ service: 'referral', ...referralTarget, topicPrefix });
    directory = await startStandInPublisher({ service: 'directory', ...directoryTarget, topicPrefix });
  });

  afterAll(async () => {
    await referral?.stop();
    await directory?.stop();
    for (const target of targets ?? []) await target.drop();
    await notification?.stop();
    await smtp?.cut();
  });

  /** A structure of the directory with a referral mailbox of this run, and one of its services. */
  async function structureWithMailbox(structureId: string, name: string): Promise<{ email: string; serviceId: string }> {
    const email = `orientations.${run}.${structureId}@structures.example`;
    const serviceId = randomUUID();
    await directory.publish('fr.relais.directory.structure.snapshot.v1', structureSnapshot({ structureId, name, referralEmail: email, version: 1 }));
    await directory.publish('fr.relais.directory.service.snapshot.v1', serviceSnapshot({ serviceId, structureId, name: 'Ateliers numériques', version: 1 }));
    // Directory and referral events travel on different topics, in no guaranteed order: the test waits
    // for the copy, as a real referral comes long after its structures were known.
    const db = new Client({ connectionString: notification.env['DATABASE_URL'] });
    await db.connect();
    try {
      await eventually(async () => {
        const { rows } = await db.query(`SELECT 1 FROM notification_service s JOIN notification_structure t USING (structure_id) WHERE s.service_id = $1`, [serviceId]);
        expect(rows).toHaveLength(1);
      });
    } finally {
      await db.end();
    }
    return { email, serviceId };
  }

  function requested(sendingStructureId: string, receivingStructureId: string, receivingServiceId: string) {
    const at = new Date().toISOString();
    return {
      referralId: randomUUID(),
      personRef: `p-${randomUUID().slice(0, 12)}`,
      sendingStructureId,
      receivingStructureId,
      receivingServiceId,
      networkId: null,
      previousReferralId: null,
      needs: ['numerique--prendre-en-main-un-ordinateur'],
      urgency: 'normal' as const,
      assessmentId: null,
      consent: { scope: ['contact' as const], method: 'oral' as const, expiresAt: null },
      acknowledgeDueAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
      firstContactDueAt: new Date(Date.now() + 10 * 86_400_000).toISOString(),
      by: { role: 'agent' as const, structureId: sendingStructureId, subject: 'agent-sub' },
      at,
    };
  }

  it('emails the receiving structure a new referral with a signed action link, and the sender each move it did not make', async () => {
    const { token: receiverToken, user: receiverAgent } = await userToken((u) => u.username === 'agent.mediatheque-ploermel');
    const { token: senderToken, user: senderAgent } = await userToken((u) => u.username === 'agent.ccas-vannes');
    const { token: otherToken } = await userToken((u) => u.username === 'agent.ccas-lorient');
    const receiver = await structureWithMailbox(receiverAgent.structureId ?? '', 'Médiathèque de Ploërmel');
    const sender = await structureWithMailbox(senderAgent.structureId ?? '', 'CCAS de Vannes');

    const referralEvent = requested(senderAgent.structureId ?? '', receiverAgent.structureId ?? '', receiver.serviceId);
    await referral.publish('fr.relais.referral.referral.requested.v1', referralEvent);

    const [mail] = await eventually(async () => {
      const found = await mailTo(receiver.email);
      expect(found).toHaveLength(1);
      return found;
    });
    expect(mail?.subject).toBe('Nouvelle orientation de CCAS de Vannes vers « Ateliers numériques »');
    expect(mail?.text).toContain('prendre en main un ordinateur');
    expect(mail?.html).toContain('Voir l’orientation et y répondre');
    const check = verifyActionLink(parseVerifyKeys(keys.verifyKeys), actionToken(mail?.text ?? ''), Math.floor(Date.now() / 1000));
    expect(check).toMatchObject({ ok: true, claims: { rid: referralEvent.referralId, sid: receiverAgent.structureId } });
    // Nothing of the person travels by email: not even the pseudonymous reference.
    expect(`${mail?.text}${mail?.html}`).not.toContain(referralEvent.personRef);

    // The receiver accepts (through its link or its workspace): the sender is told; a move by the sender is not echoed to it.
    await referral.publish('fr.relais.referral.referral.accepted.v1', {
      referralId: referralEvent.referralId, personRef: referralEvent.personRef, sendingStructureId: referralEvent.sendingStructureId, receivingStructureId: referralEvent.receivingStructureId,
      receivingServiceId: referralEvent.receivingServiceId, networkId: null, from: 'received', to: 'accepted', reasonCode: null, outcome: null, redirectedToReferralId: null,
      by: { role: 'agent', structureId: receiverAgent.structureId, subject: 'action-link:abc' }, at: new Date().toISOString(),
    });
    const [told] = await eventually(async () => {
      const found = await mailTo(sender.email);
      expect(found).toHaveLength(1);
      return found;
    });
    expect(told?.subject).toBe('Médiathèque de Ploërmel accepte votre orientation');

    // The two parties follow the messages; any other structure gets the 404 of an unknown referral.
    const deliveries = await eventually(async () => {
      const response = await fetch(`${notification.url}/v1/deliveries?referralId=${referralEvent.referralId}`, { headers: { authorization: `Bearer ${senderToken}` } });
      const list = (await response.json()) as Array<{ recipient: string; channel: string; status: string }>;
      expect(list.map((d) => d.status)).toEqual(['sent', 'sent']);
      return list;
    });
    expect(deliveries.map((d) => `${d.recipient}:${d.channel}`)).toEqual(['receiver:email', 'sender:email']);
    expect(JSON.stringify(deliveries)).not.toContain('@');
    expect((await fetch(`${notification.url}/v1/deliveries?referralId=${referralEvent.referralId}`, { headers: { authorization: `Bearer ${receiverToken}` } })).status).toBe(200);
    expect((await fetch(`${notification.url}/v1/deliveries?referralId=${referralEvent.referralId}`, { headers: { authorization: `Bearer ${otherToken}` } })).status).toBe(404);
    expect((await fetch(`${notification.url}/v1/deliveries?referralId=not-a-uuid`, { headers: { authorization: `Bearer ${senderToken}` } })).status).toBe(400);
  });

  it('falls back to SMS when the SMTP server fails, and emails again once it is back', async () => {
    const { token, user } = await userToken((u) => u.username === 'agent.france-services-mauron');
    const { token: otherToken } = await userToken((u) => u.username === 'agent.ccas-lorient');
    const structureId = user.structureId ?? '';
    const receiver = await structureWithMailbox(structureId, 'France Services de Mauron');
    const preferences = { channels: ['email', 'sms'], smsNumber: '06 12 34 56 78', quietHours: null };
    const saved = await fetch(`${notification.url}/v1/structures/${structureId}/preferences`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(preferences),
    });
    expect(saved.status).toBe(200);
    expect(await saved.json()).toEqual({ structureId, ...preferences, digest: false, saved: true });
    // Another structure can neither read nor change these preferences, and bad input names its field.
    expect((await fetch(`${notification.url}/v1/structures/${structureId}/preferences`, { headers: { authorization: `Bearer ${otherToken}` } })).status).toBe(404);
    const bad = await fetch(`${notification.url}/v1/structures/${structureId}/preferences`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channels: ['sms', 'pigeon'], smsNumber: null }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: Array<{ field: string }> }).errors.map((e) => e.field)).toContain('channels');

    await smtp.cut();
    const first = requested(randomUUID(), structureId, receiver.serviceId);
    await referral.publish('fr.relais.referral.referral.requested.v1', first);
    const [sms] = await eventually(
      () => {
        const found = smsTo('33612345678').filter((s) => s.text.includes('nouvelle orientation'));
        expect(found.length).toBeGreaterThan(0);
        return found;
      },
      { timeoutMs: 30_000 },
    );
    expect(sms?.text).toContain('http://relais.test/orientations/lien/');

    await smtp.open();
    const second = requested(randomUUID(), structureId, receiver.serviceId);
    await referral.publish('fr.relais.referral.referral.requested.v1', second);
    await eventually(async () => expect(await mailTo(receiver.email)).toHaveLength(1), { timeoutMs: 30_000 });
    expect(actionToken((await mailTo(receiver.email))[0]?.text ?? '')).not.toBe(actionToken(sms?.text ?? ''));
  });

  it('forgets an erased person’s messages: no address, no body, nothing left to send', async () => {
    const { user } = await userToken((u) => u.username === 'agent.centre-social-kercado');
    const structureId = user.structureId ?? '';
    const receiver = await structureWithMailbox(structureId, 'Centre social de Kercado');
    await smtp.cut(); // the message stays queued, with its address and body, until the erasure
    const event = requested(randomUUID(), structureId, receiver.serviceId);
    await referral.publish('fr.relais.referral.referral.requested.v1', event);
    const db = new Client({ connectionString: notification.env['DATABASE_URL'] });
    await db.connect();
    try {
      await eventually(async () => {
        const { rows } = await db.query<{ address: string | null }>(`SELECT address FROM notification_message WHERE referral_id = $1`, [event.referralId]);
        expect(rows[0]?.address).toBe(receiver.email);
      });
      await referral.publish('fr.relais.referral.person.erased.v1', { personRef: event.personRef, by: { role: 'agent', structureId, subject: 'agent-sub' }, at: new Date().toISOString() });
      await eventually(async () => {
        const { rows } = await db.query(`SELECT status, address, body_text, body_html, sms_text, subject FROM notification_message WHERE referral_id = $1`, [event.referralId]);
        expect(rows).toEqual([{ status: 'cancelled', address: null, body_text: null, body_html: null, sms_text: null, subject: null }]);
      });
      const { rows } = await db.query(`SELECT person_digest FROM notification_referral WHERE referral_id = $1`, [event.referralId]);
      expect(rows).toEqual([{ person_digest: null }]);
    } finally {
      await db.end();
      await smtp.open();
    }
  });
});
