import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { generateActionLinkKeys } from '@relais/auth';
import { serviceSnapshot, structureSnapshot } from '@relais/contracts/testing';
import { startStandInPublisher, type StandInPublisher } from '@relais/messaging/testing';
import { eventually, standInTarget, startTestService, testMessaging, userToken, type TestService } from '@relais/testing';
import { AppModule, service } from '../src/app.module';
import { readConfig } from '../src/config';

// SMS receipts, as Brevo sends them to the `webUrl` given with each SMS: the run's SMS stand-in posts
// `delivered`, or `hardBounce` for numbers ending in 99, to this service (through a forwarder standing
// for the public origin, whose address must be known before the service starts).
describe('notification: delivered and bounced SMS, from the provider’s receipts', () => {
  let notification: TestService;
  let referral: StandInPublisher;
  let directory: StandInPublisher;
  let targets: Array<Awaited<ReturnType<typeof standInTarget>>>;
  let origin: Server;
  let upstream = '';

  beforeAll(async () => {
    const messaging = testMessaging();
    origin = createServer((req, res) => {
      const target = new URL(req.url ?? '/', upstream);
      const forward = httpRequest(target, { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', () => res.writeHead(502).end());
      req.pipe(forward);
    });
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
    const port = (origin.address() as { port: number }).port;
    notification = await startTestService(service, readConfig, (config) => AppModule.forRoot(config), {
      SMS_API_URL: messaging.smsApiUrl,
      SMS_API_KEY: messaging.smsApiKey,
      ACTION_LINK_SIGNING_KEY: generateActionLinkKeys('t1').signingKey,
      RELAIS_PUBLIC_URL: 'http://relais.test',
      NOTIFICATION_RECEIPTS_URL: `http://127.0.0.1:${port}/api/notification`,
    });
    upstream = new URL(notification.url).origin;
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
    await new Promise((resolve) => origin?.close(resolve));
  });

  async function referralBySms(username: string, smsNumber: string): Promise<{ referralId: string; token: string }> {
    const { token, user } = await userToken((u) => u.username === username);
    const structureId = user.structureId ?? '';
    const serviceId = randomUUID();
    await directory.publish('fr.relais.directory.structure.snapshot.v1', structureSnapshot({ structureId, name: username, referralEmail: null, version: 1 }));
    await directory.publish('fr.relais.directory.service.snapshot.v1', serviceSnapshot({ serviceId, structureId, name: 'Accueil', version: 1 }));
    const saved = await fetch(`${notification.url}/v1/structures/${structureId}/preferences`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channels: ['sms'], smsNumber, quietHours: null }),
    });
    expect(saved.status).toBe(200);
    const referralId = randomUUID();
    const at = new Date();
    await referral.publish('fr.relais.referral.referral.requested.v1', {
      referralId, personRef: `p-${randomUUID().slice(0, 12)}`, sendingStructureId: randomUUID(), receivingStructureId: structureId, receivingServiceId: serviceId,
      networkId: null, previousReferralId: null, needs: [], urgency: 'normal', assessmentId: null, consent: { scope: ['contact'], method: 'oral', expiresAt: null },
      acknowledgeDueAt: new Date(at.getTime() + 2 * 86_400_000).toISOString(), firstContactDueAt: new Date(at.getTime() + 10 * 86_400_000).toISOString(),
      by: { role: 'agent', structureId: randomUUID(), subject: 'agent-sub' }, at: at.toISOString(),
    });
    return { referralId, token };
  }

  const deliveries = async (referralId: string, token: string) =>
    (await (await fetch(`${notification.url}/v1/deliveries?referralId=${referralId}`, { headers: { authorization: `Bearer ${token}` } })).json()) as Array<{
      status: string;
      deliveredAt: string | null;
      lastError: string | null;
    }>;

  it('marks an SMS delivered, and one to a number that cannot take it bounced, when the provider says so', async () => {
    const delivered = await referralBySms('agent.france-services-mauron', '06 12 34 56 78');
    const bounced = await referralBySms('agent.centre-social-kercado', '06 12 34 56 99');
    await eventually(async () => expect((await deliveries(delivered.referralId, delivered.token)).map((d) => d.status)).toEqual(['delivered']), { timeoutMs: 30_000 });
    await eventually(async () => expect((await deliveries(bounced.referralId, bounced.token)).map((d) => d.status)).toEqual(['bounced']), { timeoutMs: 30_000 });
    expect((await deliveries(delivered.referralId, delivered.token))[0]?.deliveredAt).toEqual(expect.any(String));
  });

  it('takes a receipt only with a message’s own token, and says what is wrong with a bad one', async () => {
    const unknown = await fetch(`${notification.url}/v1/receipts/sms/${'a'.repeat(32)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ msg_status: 'delivered' }) });
    expect(unknown.status).toBe(404);
    const malformed = await fetch(`${notification.url}/v1/receipts/sms/short`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ msg_status: 'delivered' }) });
    expect(malformed.status).toBe(400);
    const empty = await fetch(`${notification.url}/v1/receipts/sms/${'b'.repeat(32)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(empty.status).toBe(400);
    expect(empty.headers.get('content-type')).toContain('application/problem+json');
  });
});
