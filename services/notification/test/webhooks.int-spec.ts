import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { startStandInPublisher, type StandInPublisher } from '@relais/messaging/testing';
import { DEMO_STRUCTURES } from '@relais/demo';
import { clientToken, eventually, standInTarget, startTestService, type TestService } from '@relais/testing';
import { AppModule, service } from '../src/app.module';
import { readConfig } from '../src/config';
import { verifyWebhook } from '../src/webhooks/webhook-signature';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

// Referral event on Kafka → consumer records a delivery → signed HTTP POST to the structure's software
// → outcome event; with a real receiver, real Kafka and real tokens.
describe('notification: signed webhooks to a structure’s own software', () => {
  let notification: TestService;
  let referral: StandInPublisher;
  let standIn: Awaited<ReturnType<typeof standInTarget>>;
  let receiver: Server;
  let receiverUrl: string;
  const received: Received[] = [];
  let answer = 200;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(answer).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/relais`;
    notification = await startTestService(service, readConfig, (config) => AppModule.forRoot(config));
    standIn = await standInTarget('referral');
    referral = await startStandInPublisher({ service: 'referral', ...standIn, topicPrefix: notification.env['KAFKA_TOPIC_PREFIX'] ?? '' });
  });

  afterAll(async () => {
    await referral?.stop();
    await standIn?.drop();
    await notification?.stop();
    await new Promise((resolve) => receiver.close(resolve));
  });

  function requested(receivingStructureId: string) {
    const at = new Date().toISOString();
    return {
      referralId: randomUUID(),
      personRef: `p-${randomUUID().slice(0, 12)}`,
      sendingStructureId: randomUUID(),
      receivingStructureId,
      receivingServiceId: randomUUID(),
      networkId: null,
      previousReferralId: null,
      needs: [],
      urgency: 'urgent' as const,
      assessmentId: null,
      consent: { scope: ['contact' as const], method: 'oral' as const, expiresAt: null },
      acknowledgeDueAt: at,
      firstContactDueAt: at,
      by: { role: 'integration' as const, structureId: null, subject: 'caf-vannes-integration' },
      at,
    };
  }

  it('delivers the referral events of its structure, signed, and records the outcome', async () => {
    const { token, client } = await clientToken((c) => c.roles.includes('integration') && c.structureId !== null);
    const created = await fetch(`${notification.url}/v1/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiverUrl, events: ['fr.relais.referral.referral.requested.v1'] }),
    });
    expect(created.status).toBe(201);
    const subscription = (await created.json()) as { id: string; secret: string };
    expect(subscription.secret).toMatch(/^whsec_/);

    const mine = requested(client.structureId ?? '');
    const eventId = await referral.publish('fr.relais.referral.referral.requested.v1', mine);
    await referral.publish('fr.relais.referral.referral.requested.v1', requested(DEMO_STRUCTURES.franceServicesPontivy.id)); // another structure's

    const delivery = await eventually(() => {
      const found = received.find((r) => r.headers['webhook-id'] === eventId);
      if (!found) throw new Error('not delivered yet');
      return found;
    });
    expect(verifyWebhook(subscription.secret, eventId, Number(delivery.headers['webhook-timestamp']), delivery.body, String(delivery.headers['webhook-signature']))).toBe(true);
    expect(JSON.parse(delivery.body)).toMatchObject({ specversion: '1.0', id: eventId, type: 'fr.relais.referral.referral.requested.v1', data: { referralId: mine.referralId } });
    expect(received).toHaveLength(1); // the other structure's referral is not sent here

    const deliveries = await eventually(async () => {
      const list = (await (await fetch(`${notification.url}/v1/webhooks/${subscription.id}/deliveries`, { headers: { authorization: `Bearer ${token}` } })).json()) as Array<{
        status: string;
      }>;
      expect(list[0]?.status).toBe('delivered');
      return list;
    });
    expect(deliveries).toHaveLength(1);
  });

  it('retries a receiver that fails, keeping the error', async () => {
    answer = 503;
    const { token, client } = await clientToken((c) => c.roles.includes('integration') && c.structureId !== null);
    const subscription = (await (
      await fetch(`${notification.url}/v1/webhooks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ url: receiverUrl }),
      })
    ).json()) as { id: string };
    await referral.publish('fr.relais.referral.referral.requested.v1', requested(client.structureId ?? ''));
    const [first] = await eventually(async () => {
      const list = (await (await fetch(`${notification.url}/v1/webhooks/${subscription.id}/deliveries`, { headers: { authorization: `Bearer ${token}` } })).json()) as Array<{
        status: string;
        attempts: number;
        lastError: string | null;
      }>;
      expect(list[0]?.lastError).toBe('HTTP 5xx');
      return list;
    });
    expect(first).toMatchObject({ status: 'pending', attempts: 1 });
    answer = 200;
  });

  it('refuses bad input and other structures’ subscriptions', async () => {
    const { token } = await clientToken((c) => c.roles.includes('integration') && c.structureId !== null);
    const bad = await fetch(`${notification.url}/v1/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'not a url', events: ['fr.relais.nope.v1'], colour: 'red' }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: Array<{ field: string }> }).errors.map((e) => e.field).sort()).toEqual(['colour', 'events', 'url']);
    const { token: other } = await clientToken((c) => c.roles.includes('integration') && c.structureId === DEMO_STRUCTURES.franceServicesPontivy.id);
    const theirs = (await (await fetch(`${notification.url}/v1/webhooks`, { headers: { authorization: `Bearer ${token}` } })).json()) as Array<{ id: string }>;
    expect(theirs.length).toBeGreaterThan(0);
    for (const subscription of theirs) {
      expect((await fetch(`${notification.url}/v1/webhooks/${subscription.id}/deliveries`, { headers: { authorization: `Bearer ${other}` } })).status).toBe(404);
    }
    expect(await (await fetch(`${notification.url}/v1/webhooks`, { headers: { authorization: `Bearer ${other}` } })).json()).toEqual([]);
    expect((await fetch(`${notification.url}/v1/webhooks`)).status).toBe(401);
  });
});
