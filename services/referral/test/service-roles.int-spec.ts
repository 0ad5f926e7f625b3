import type { INestApplication } from '@nestjs/common';
import { createServiceApp } from '@relais/platform';
import { eventually, testKafkaClient } from '@relais/testing';
import { Kafka, logLevel } from 'kafkajs';
import { AppModule, service } from '../src/app.module';
import { readConfig } from '../src/config';
import { asUser, referralEvents, serviceOf, startReferralKit, users, type Caller, type ReferralKit } from './support/referral-kit';

/**
 * RELAIS_SERVICE_ROLE: one service run as two processes on the same database and broker, as a
 * département that scales runs it. The `api` process (the kit's) writes referrals and their outbox rows;
 * the `consumers` process consumes the directory's snapshots into the shared read model and relays the
 * outbox the api process wrote (woken by its NOTIFY).
 */
describe('referral split into an api process and a consumers process', () => {
  let kit: ReferralKit;
  let consumers: INestApplication | undefined;
  let consumersUrl: string;
  let sender: Caller;
  let receiver: Caller;

  const kafkaAdmin = () => new Kafka({ clientId: 'referral-roles-int-spec', ...testKafkaClient(), brokers: kit.brokers, logLevel: logLevel.NOTHING }).admin();
  const groupMembers = async (): Promise<number> => {
    const admin = kafkaAdmin();
    await admin.connect();
    try {
      const { groups } = await admin.describeGroups([`${kit.topicPrefix}relais-referral`]);
      return groups[0]?.members.length ?? 0;
    } finally {
      await admin.disconnect();
    }
  };
  const relayConnections = async (): Promise<number> => {
    const { rows } = await kit.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'relais-referral-outbox-relay'`,
    );
    return Number(rows[0]?.n);
  };

  beforeAll(async () => {
    kit = await startReferralKit({ overrides: { RELAIS_SERVICE_ROLE: 'api' } });
    // The second process: same database, topics and group, the other role.
    consumers = await createServiceApp(AppModule.forRoot(readConfig({ ...kit.service.env, RELAIS_SERVICE_ROLE: 'consumers' }), { clock: kit.clock }), service);
    await consumers.listen(0, '127.0.0.1');
    consumersUrl = `${await consumers.getUrl()}/api/${service.name}`;
    [sender, receiver] = await Promise.all([asUser(users.cafAgent), asUser(users.associationAgent)]);
    // Waits for the read model, which only the consumers process fills.
    await kit.seedDirectory([sender.structureId ?? '', receiver.structureId ?? '']);
  });

  afterAll(async () => {
    await consumers?.close();
    await kit.stop();
  });

  it('the consumers process serves the probes and no API route, no API document', async () => {
    expect((await fetch(`${consumersUrl}/health`)).status).toBe(200);
    expect((await fetch(`${consumersUrl}/health/ready`)).status).toBe(200);
    const list = await fetch(`${consumersUrl}/v1/referrals`, { headers: { authorization: `Bearer ${sender.token}` } });
    expect(list.status).toBe(404);
    expect((await fetch(`${consumersUrl}/v1/me`, { headers: { authorization: `Bearer ${sender.token}` } })).status).toBe(404);
    expect((await fetch(`${consumersUrl}/openapi.json`)).status).toBe(404);
    // The api process, for contrast, serves both.
    expect((await kit.request('GET', '/v1/referrals', sender)).status).toBe(200);
    expect((await fetch(`${kit.url}/openapi.json`)).status).toBe(200);
  });

  it('a referral created through the api process is sent to Kafka by the relay of the consumers process', async () => {
    const id = await kit.create(sender, serviceOf(receiver.structureId ?? ''));
    const events = await referralEvents(kit, id, 1);
    expect(events.map((event) => event.type)).toContain('fr.relais.referral.referral.requested.v1');
    // The relay marks rows sent in the transaction that sent them, which may commit a moment after the read.
    await eventually(async () => {
      const { rows } = await kit.db.query<{ unsent: string }>(`SELECT count(*) AS unsent FROM messaging_outbox WHERE sent_at IS NULL`);
      expect(Number(rows[0]?.unsent)).toBe(0);
    });
  });

  it('only the consumers process joins the consumer group and holds the relay', async () => {
    await eventually(async () => expect(await groupMembers()).toBe(1), { timeoutMs: 20_000 });
    expect(await relayConnections()).toBe(1);
    await consumers?.close();
    consumers = undefined;
    // The api process still runs: neither a member of the group nor a relay is left.
    expect((await kit.request('GET', '/v1/referrals', sender)).status).toBe(200);
    await eventually(async () => expect(await groupMembers()).toBe(0), { timeoutMs: 20_000 });
    expect(await relayConnections()).toBe(0);
  });
});
