import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { issuePersonRef } from '@relais/contracts';
import { startStandInPublisher, type StandInPublisher } from '@relais/messaging/testing';
import { DEMO_STRUCTURES } from '@relais/demo';
import { clientToken, eventually, standInTarget, startTestService, userToken, type TestService } from '@relais/testing';
import { AppModule, service } from '../src/app.module';
import { readConfig } from '../src/config';

interface Problem {
  type: string;
  status: number;
  detail: string;
  errors?: Array<{ field: string; message: string }>;
  limit?: number;
}

interface Delivery {
  status: string;
  attempts: number;
  lastError: string | null;
}

const json = { 'content-type': 'application/json' };

async function call(base: string, method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : json) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
}

/** A TCP listener that only counts who connects: proof that the deliverer did, or did not, reach it. */
async function connectionCounter(): Promise<{ server: Server; port: number; connections: () => number }> {
  let connections = 0;
  const server = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, connections: () => connections };
}

function requested(sendingStructureId: string) {
  const at = new Date().toISOString();
  return {
    referralId: randomUUID(),
    personRef: issuePersonRef(),
    sendingStructureId,
    receivingStructureId: DEMO_STRUCTURES.ccasLorient.id,
    receivingServiceId: randomUUID(),
    networkId: null,
    previousReferralId: null,
    needs: [],
    urgency: 'normal' as const,
    assessmentId: null,
    consent: { scope: ['contact' as const], method: 'oral' as const, expiresAt: null },
    acknowledgeDueAt: at,
    firstContactDueAt: at,
    by: { role: 'integration' as const, structureId: sendingStructureId, subject: 'integration' },
    at,
  };
}

// Who may point the deliverer somewhere, where it may point it, and how many times: tried with real
// tokens from the run's identity provider, real Kafka events and real sockets.
describe('notification: webhook subscriptions cannot be turned against the instance', () => {
  let notification: TestService;
  const cap = 3;

  beforeAll(async () => {
    notification = await startTestService(service, readConfig, (config) => AppModule.forRoot(config), { WEBHOOK_MAX_SUBSCRIPTIONS_PER_STRUCTURE: String(cap) });
  });

  afterAll(async () => {
    await notification?.stop();
  });

  it('lets only integrations (their own structure) and administrators manage subscriptions', async () => {
    const api = (method: string, path: string, token: string | null, body?: unknown) => call(notification.url, method, path, token, body);
    const caf = (await clientToken((c) => c.clientId === 'caf-vannes-integration')).token;
    const pontivy = (await clientToken((c) => c.clientId === 'france-services-pontivy-integration')).token;
    const admin = (await clientToken((c) => c.roles.includes('admin'))).token;
    const agent = (await userToken((u) => u.username === 'agent.caf-vannes')).token;
    const coordinator = (await userToken((u) => u.username === 'coord.vannes')).token;
    const coordinationClient = (await clientToken((c) => c.clientId === 'coordination-vannes')).token;

    const created = await api('POST', '/v1/webhooks', caf, { url: 'http://127.0.0.1:9/caf' });
    expect(created.status).toBe(201);
    const mine = created.body as { id: string; structureId: string };
    expect(mine.structureId).toBe(DEMO_STRUCTURES.cafVannes.id);

    for (const token of [agent, coordinator, coordinationClient]) {
      expect((await api('POST', '/v1/webhooks', token, { url: 'http://127.0.0.1:9/x' })).status).toBe(403);
      expect((await api('GET', '/v1/webhooks', token)).status).toBe(403);
      expect((await api('PATCH', `/v1/webhooks/${mine.id}`, token, { url: 'http://127.0.0.1:9/y' })).status).toBe(403);
      expect((await api('GET', `/v1/webhooks/${mine.id}/deliveries`, token)).status).toBe(403);
      expect((await api('DELETE', `/v1/webhooks/${mine.id}`, token)).status).toBe(403);
    }
    expect((await api('GET', '/v1/webhooks', null)).status).toBe(401);

    // Another structure's integration: the subscription does not exist for it.
    expect((await api('PATCH', `/v1/webhooks/${mine.id}`, pontivy, { url: 'http://127.0.0.1:9/theirs' })).status).toBe(404);
    expect((await api('GET', `/v1/webhooks/${mine.id}/deliveries`, pontivy)).status).toBe(404);
    expect((await api('DELETE', `/v1/webhooks/${mine.id}`, pontivy)).status).toBe(404);
    expect((await api('GET', '/v1/webhooks', pontivy)).body).toEqual([]);
    // …nor may it subscribe another structure.
    expect((await api('POST', '/v1/webhooks', pontivy, { url: 'http://127.0.0.1:9/x', structureId: DEMO_STRUCTURES.cafVannes.id })).status).toBe(403);
    expect((await api('GET', `/v1/webhooks?structure=${DEMO_STRUCTURES.cafVannes.id}`, pontivy)).status).toBe(403);

    // The administrator names the structure it subscribes, and manages any.
    const unnamed = await api('POST', '/v1/webhooks', admin, { url: 'http://127.0.0.1:9/admin' });
    expect(unnamed.status).toBe(400);
    expect((unnamed.body as Problem).errors?.map((e) => e.field)).toEqual(['structureId']);
    const forPontivy = await api('POST', '/v1/webhooks', admin, { url: 'http://127.0.0.1:9/admin', structureId: DEMO_STRUCTURES.franceServicesPontivy.id });
    expect(forPontivy.status).toBe(201);
    expect((await api('GET', '/v1/webhooks', pontivy)).body).toEqual([expect.objectContaining({ id: (forPontivy.body as { id: string }).id })]);
    const all = (await api('GET', '/v1/webhooks', admin)).body as Array<{ id: string }>;
    expect(all.map((s) => s.id)).toEqual(expect.arrayContaining([mine.id, (forPontivy.body as { id: string }).id]));
    expect(((await api('GET', `/v1/webhooks?structure=${DEMO_STRUCTURES.cafVannes.id}`, admin)).body as Array<{ id: string }>).map((s) => s.id)).toEqual([mine.id]);

    // The owner changes its subscription; the administrator may too, and may delete it.
    const changed = await api('PATCH', `/v1/webhooks/${mine.id}`, caf, { events: ['fr.relais.referral.referral.accepted.v1'] });
    expect(changed).toMatchObject({ status: 200, body: { id: mine.id, url: 'http://127.0.0.1:9/caf', events: ['fr.relais.referral.referral.accepted.v1'] } });
    expect((await api('PATCH', `/v1/webhooks/${mine.id}`, admin, { url: 'http://127.0.0.1:9/moved' })).body).toMatchObject({ url: 'http://127.0.0.1:9/moved' });
    expect((await api('DELETE', `/v1/webhooks/${mine.id}`, admin)).status).toBe(204);
    expect((await api('GET', '/v1/webhooks', caf)).body).toEqual([]);
  });

  it('refuses plain http except to this machine in development, naming the field', async () => {
    const { token } = await clientToken((c) => c.clientId === 'ccas-lorient-integration');
    const refused = await call(notification.url, 'POST', '/v1/webhooks', token, { url: 'http://logiciel.example/relais' });
    expect(refused.status).toBe(400);
    expect((refused.body as Problem).errors).toEqual([{ field: 'url', message: expect.stringMatching(/https/) as string }]);
    const withCredentials = await call(notification.url, 'POST', '/v1/webhooks', token, { url: 'https://user:pass@logiciel.example/relais' });
    expect((withCredentials.body as Problem).errors?.map((e) => e.field)).toEqual(['url']);

    const loopback = await call(notification.url, 'POST', '/v1/webhooks', token, { url: 'http://localhost:9/relais' });
    expect(loopback.status).toBe(201);
    const id = (loopback.body as { id: string }).id;
    const moved = await call(notification.url, 'PATCH', `/v1/webhooks/${id}`, token, { url: 'http://10.0.0.5/relais' });
    expect(moved.status).toBe(400);
    expect((moved.body as Problem).errors?.map((e) => e.field)).toEqual(['url']);
    expect((await call(notification.url, 'DELETE', `/v1/webhooks/${id}`, token)).status).toBe(204);
  });

  it('caps the subscriptions of one structure', async () => {
    const { token } = await clientToken((c) => c.clientId === 'association-lorient-integration');
    const admin = (await clientToken((c) => c.roles.includes('admin'))).token;
    const ids: string[] = [];
    for (let i = 0; i < cap; i += 1) {
      const created = await call(notification.url, 'POST', '/v1/webhooks', token, { url: `http://127.0.0.1:9/hook-${i}` });
      expect(created.status).toBe(201);
      ids.push((created.body as { id: string }).id);
    }
    const beyond = await call(notification.url, 'POST', '/v1/webhooks', token, { url: 'http://127.0.0.1:9/one-more' });
    expect(beyond.status).toBe(422);
    expect(beyond.body).toMatchObject({ type: 'urn:relais:problem:unprocessable', limit: cap });
    const byAdmin = await call(notification.url, 'POST', '/v1/webhooks', admin, { url: 'http://127.0.0.1:9/one-more', structureId: DEMO_STRUCTURES.associationLorient.id });
    expect(byAdmin.status).toBe(422);
    expect((await call(notification.url, 'DELETE', `/v1/webhooks/${ids[0]}`, token)).status).toBe(204);
    expect((await call(notification.url, 'POST', '/v1/webhooks', token, { url: 'http://127.0.0.1:9/one-more' })).status).toBe(201);
  });

  it('stores a generic failure, never the connection’s own error', async () => {
    const { token, client } = await clientToken((c) => c.clientId === 'ccas-lorient-integration');
    const closed = await connectionCounter();
    await new Promise((resolve) => closed.server.close(resolve)); // nobody listens there any more
    const subscription = (await call(notification.url, 'POST', '/v1/webhooks', token, { url: `http://127.0.0.1:${closed.port}/relais` })).body as { id: string };
    const standIn = await standInTarget('referral_generic');
    const referral = await startStandInPublisher({ service: 'referral', ...standIn, topicPrefix: notification.env['KAFKA_TOPIC_PREFIX'] ?? '' });
    try {
      await referral.publish('fr.relais.referral.referral.requested.v1', { ...requested(DEMO_STRUCTURES.cafVannes.id), receivingStructureId: client.structureId ?? '' });
      const [delivery] = await eventually(async () => {
        const list = (await call(notification.url, 'GET', `/v1/webhooks/${subscription.id}/deliveries`, token)).body as Delivery[];
        expect(list[0]?.lastError).toEqual(expect.any(String));
        return list;
      });
      expect(delivery).toMatchObject({ status: 'pending', attempts: 1, lastError: 'connexion refusée' });
    } finally {
      await referral.stop();
      await standIn.drop();
    }
  });
});

describe('notification: outside development, a webhook never reaches a private address', () => {
  let notification: TestService;
  let referral: StandInPublisher;
  let standIn: Awaited<ReturnType<typeof standInTarget>>;

  beforeAll(async () => {
    // The run's identity provider speaks plain http, which only a development instance accepts; the
    // webhook rules of a production instance are applied on their own.
    notification = await startTestService(service, readConfig, (config) => AppModule.forRoot(config, { webhooks: { environment: 'production' } }));
    standIn = await standInTarget('referral_production');
    referral = await startStandInPublisher({ service: 'referral', ...standIn, topicPrefix: notification.env['KAFKA_TOPIC_PREFIX'] ?? '' });
  });

  afterAll(async () => {
    await referral?.stop();
    await standIn?.drop();
    await notification?.stop();
  });

  it('refuses http, even to loopback, and written private addresses when subscribing', async () => {
    const { token } = await clientToken((c) => c.clientId === 'caf-vannes-integration');
    for (const url of ['http://127.0.0.1:9/relais', 'http://localhost:9/relais', 'https://10.0.0.5/relais', 'https://169.254.169.254/latest/meta-data', 'https://[fd00::1]/relais', 'https://[::ffff:127.0.0.1]/']) {
      const refused = await call(notification.url, 'POST', '/v1/webhooks', token, { url });
      expect({ url, status: refused.status, fields: (refused.body as Problem).errors?.map((e) => e.field) }).toEqual({ url, status: 400, fields: ['url'] });
    }
  });

  it('resolves the name at delivery time and refuses a loopback answer without connecting', async () => {
    const { token, client } = await clientToken((c) => c.clientId === 'caf-vannes-integration');
    const listener = await connectionCounter();
    try {
      // A name is accepted when subscribing (what it resolves to may change); `localhost` resolves to loopback.
      const created = await call(notification.url, 'POST', '/v1/webhooks', token, { url: `https://localhost:${listener.port}/relais` });
      expect(created.status).toBe(201);
      const subscription = created.body as { id: string };
      await referral.publish('fr.relais.referral.referral.requested.v1', requested(client.structureId ?? ''));
      const [delivery] = await eventually(async () => {
        const list = (await call(notification.url, 'GET', `/v1/webhooks/${subscription.id}/deliveries`, token)).body as Delivery[];
        expect(list[0]?.lastError).toEqual(expect.any(String));
        return list;
      });
      expect(delivery).toMatchObject({ status: 'pending', attempts: 1, lastError: 'adresse refusée' });
      expect(listener.connections()).toBe(0);
    } finally {
      await new Promise((resolve) => listener.server.close(resolve));
    }
  });
});
