import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { issuePersonRef } from '@relais/contracts';
import { startStandInPublisher, type StandInPublisher } from '@relais/messaging/testing';
import { DEMO_STRUCTURES } from '@relais/demo';
import { clientToken, eventually, standInTarget, startTestService, type TestService } from '@relais/testing';
import { Client } from 'pg';
import { AppModule, service } from '../src/app.module';
import { readConfig } from '../src/config';
import { tablesContaining } from './support/scan-database';

interface Delivery {
  eventId: string;
  status: string;
  lastError: string | null;
}

// A person's erasure, as the referral service announces it on Kafka, reaches the webhooks: what was
// still to be sent about them is cancelled, no stored body keeps their reference, deliveries stay counted.
describe('notification: erasure of a person', () => {
  let notification: TestService;
  let referral: StandInPublisher;
  let standIn: Awaited<ReturnType<typeof standInTarget>>;
  let db: Client;
  let receiver: Server;
  let base: string;
  const received: string[] = [];

  beforeAll(async () => {
    // `/up` accepts, `/down` always fails (its deliveries stay pending, body and all).
    receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received.push(String(req.headers['webhook-id']));
        res.writeHead(req.url === '/up' ? 204 : 503).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
    notification = await startTestService(service, readConfig, (config) => AppModule.forRoot(config));
    standIn = await standInTarget('referral_erasure');
    referral = await startStandInPublisher({ service: 'referral', ...standIn, topicPrefix: notification.env['KAFKA_TOPIC_PREFIX'] ?? '' });
    db = new Client({ connectionString: notification.env['DATABASE_URL'] });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await referral?.stop();
    await standIn?.drop();
    await notification?.stop();
    await new Promise((resolve) => receiver.close(resolve));
  });

  function requested(personRef: string, sendingStructureId: string) {
    const at = new Date().toISOString();
    return {
      referralId: randomUUID(),
      personRef,
      sendingStructureId,
      receivingStructureId: DEMO_STRUCTURES.associationLorient.id,
      receivingServiceId: randomUUID(),
      networkId: null,
      previousReferralId: null,
      needs: [],
      urgency: 'normal' as const,
      assessmentId: null,
      consent: { scope: ['contact' as const], method: 'oral' as const, expiresAt: null },
      acknowledgeDueAt: at,
      firstContactDueAt: at,
      by: { role: 'integration' as const, structureId: sendingStructureId, subject: 'caf-vannes-integration' },
      at,
    };
  }

  it('cancels what was still to be sent, drops every stored body, and keeps the deliveries counted', async () => {
    const { token, client } = await clientToken((c) => c.clientId === 'caf-vannes-integration');
    const subscribe = async (path: string) => {
      const response = await fetch(`${notification.url}/v1/webhooks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ url: `${base}${path}`, events: ['fr.relais.referral.referral.requested.v1'] }),
      });
      expect(response.status).toBe(201);
      return ((await response.json()) as { id: string }).id;
    };
    const deliveries = async (id: string) =>
      (await (await fetch(`${notification.url}/v1/webhooks/${id}/deliveries`, { headers: { authorization: `Bearer ${token}` } })).json()) as Delivery[];
    const up = await subscribe('/up');
    const down = await subscribe('/down');

    const person = issuePersonRef();
    const someoneElse = issuePersonRef();
    const eventId = await referral.publish('fr.relais.referral.referral.requested.v1', requested(person, client.structureId ?? ''));
    const otherEventId = await referral.publish('fr.relais.referral.referral.requested.v1', requested(someoneElse, client.structureId ?? ''));
    await eventually(async () => {
      expect((await deliveries(up)).map((d) => d.status)).toEqual(['delivered', 'delivered']);
      expect((await deliveries(down)).map((d) => d.lastError)).toEqual(['HTTP 5xx', 'HTTP 5xx']);
    });
    // A delivered webhook keeps no body; one still to be retried does, with the reference in it.
    const { rows: kept } = await db.query<{ status: string; bodies: number }>(
      `SELECT status, count(body_text)::int AS bodies FROM notification_message WHERE channel = 'webhook' GROUP BY status ORDER BY status`,
    );
    expect(kept).toEqual([
      { status: 'delivered', bodies: 0 },
      { status: 'queued', bodies: 2 },
    ]);
    expect(await tablesContaining(db, person)).toEqual(['notification_message.body_text']);

    await referral.publish('fr.relais.referral.person.erased.v1', {
      personRef: person,
      by: { role: 'agent', structureId: client.structureId, subject: 'agent.caf-vannes' },
      at: new Date().toISOString(),
    });
    await eventually(async () => expect(await tablesContaining(db, person)).toEqual([]));
    const downAfter = await deliveries(down);
    expect(downAfter.find((d) => d.eventId === eventId)).toMatchObject({ status: 'cancelled' });
    expect(downAfter.find((d) => d.eventId === otherEventId)).toMatchObject({ status: 'pending' }); // nobody else's
    expect(await tablesContaining(db, someoneElse)).toEqual(['notification_message.body_text']);
    expect((await deliveries(up)).map((d) => d.status)).toEqual(['delivered', 'delivered']);

    // An event about the person that was still on its way (another topic, no order between them) is
    // counted as cancelled: neither sent nor stored.
    const lateId = await referral.publish('fr.relais.referral.referral.requested.v1', requested(person, client.structureId ?? ''));
    await eventually(async () => expect((await deliveries(up)).find((d) => d.eventId === lateId)).toMatchObject({ status: 'cancelled' }));
    expect((await deliveries(down)).find((d) => d.eventId === lateId)).toMatchObject({ status: 'cancelled' });
    // The deliverer sends in order of due time: once a later event is delivered, the late one would have been too.
    const afterId = await referral.publish('fr.relais.referral.referral.requested.v1', requested(someoneElse, client.structureId ?? ''));
    await eventually(() => expect(received).toContain(afterId));
    expect(received).not.toContain(lateId);
    expect(await tablesContaining(db, person)).toEqual([]);
  });
});
