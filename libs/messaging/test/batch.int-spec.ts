import type { INestApplicationContext } from '@nestjs/common';
import { createTestDatabase, eventually, testInfrastructure, uniqueTopicPrefix } from '@relais/testing';
import type { Admin } from 'kafkajs';
import { DataSource } from 'typeorm';
import { serviceSnapshot } from './support/fixtures';
import type { ServiceSnapshot } from './support/service-projection';
import { count, groupCaughtUp, kafkaAdmin, projections, projector, publishSnapshots, SERVICE_TOPIC, startTestApp } from './support/test-app';

describe('a batch of one partition applied in one transaction', () => {
  const brokers = testInfrastructure().kafkaBrokers;
  const prefix = uniqueTopicPrefix('batch');
  const groupId = `${prefix}relais-directory`;
  const topic = `${prefix}${SERVICE_TOPIC}`;
  let database: { url: string; drop(): Promise<void> };
  let consumer: INestApplicationContext | undefined;
  let admin: Admin;

  beforeAll(async () => {
    database = await createTestDatabase('messaging_batch');
    admin = await kafkaAdmin(brokers);
  });

  afterAll(async () => {
    await consumer?.close();
    await admin?.disconnect();
    await database?.drop();
  });

  /** The transaction that committed each event's inbox row. */
  const committedBy = async (app: INestApplicationContext, ids: string[]): Promise<Map<string, string>> => {
    const rows = await app.get(DataSource).query<Array<{ event_id: string; xmin: string }>>(
      'SELECT event_id, xmin::text AS xmin FROM messaging_inbox WHERE event_id = ANY($1::text[])',
      [ids],
    );
    return new Map(rows.map((row) => [row.event_id, row.xmin]));
  };

  it('isolates a handler failing in the middle: the others are applied once, the failing one goes to retry, nothing twice', async () => {
    // Nine versions of one service (one key, so one partition), queued in Kafka before any consumer
    // runs, so that they arrive as one batch; the fifth fails once, transiently.
    const base = serviceSnapshot({ name: 'Espace numérique de Questembert' });
    const versions: ServiceSnapshot[] = Array.from({ length: 9 }, (_, i) => ({
      ...base,
      version: i + 1,
      name: i === 4 ? `flaky: ${base.name} v${i + 1}` : `${base.name} v${i + 1}`,
    }));
    const publisher = await startTestApp({ databaseUrl: database.url, topicPrefix: prefix, brokers, withProjector: false });
    let ids: string[];
    try {
      ids = await publishSnapshots(publisher, versions);
      await eventually(async () => expect(await count(publisher, 'SELECT count(*) AS n FROM messaging_outbox WHERE sent_at IS NULL')).toBe(0));
    } finally {
      await publisher.close();
    }
    const flakyId = ids[4];

    consumer = await startTestApp({ databaseUrl: database.url, topicPrefix: prefix, brokers });
    projector(consumer).flakyFailures = 1;
    const running = consumer;
    await eventually(async () => expect((await projections(running)).find((row) => row.serviceId === base.serviceId)?.applied).toBe(versions.length), { timeoutMs: 20_000 });

    // Each event applied once (the counter, not idempotent, and the inbox agree), and in order.
    const [row] = (await projections(running)).filter((projection) => projection.serviceId === base.serviceId);
    expect(row).toMatchObject({ applied: 9, version: 9, outOfOrder: 0 });
    const committed = await committedBy(running, ids);
    expect(committed.size).toBe(9);
    // The four before the failing one committed together (again, after the batch was rolled back at
    // the fifth); the fifth later, from the retry topic, on its second attempt; the four after it,
    // parked behind it meanwhile (same key: ADR 0003), each in a transaction of its own after it.
    const xid = (id: string | undefined) => Number(committed.get(id ?? ''));
    const before = new Set(ids.slice(0, 4).map((id) => committed.get(id)));
    expect(before.size).toBe(1);
    expect(new Set(ids.slice(4).map((id) => committed.get(id))).size).toBe(5);
    expect(ids.slice(5).every((id) => xid(id) > xid(flakyId) && xid(flakyId) > xid(ids[0]))).toBe(true);
    const flakyHandled = projector(running).handled.filter((event) => event.id === flakyId);
    expect(flakyHandled.map((event) => event.attempt)).toEqual([2]);
    // The events after the failing one ran once, after it; those before it ran twice, the first time rolled back.
    for (const id of ids.slice(5)) expect(projector(running).handled.filter((event) => event.id === id)).toHaveLength(1);
    expect(projector(running).handled.filter((event) => ids.slice(4).includes(event.id)).map((event) => event.version)).toEqual([5, 6, 7, 8, 9]);

    // Delivered again from the start (a crash before the offsets were committed): nothing changes.
    await eventually(async () => expect(await groupCaughtUp(admin, groupId, topic)).toBe(true));
    await running.close();
    consumer = undefined;
    await admin.resetOffsets({ groupId, topic, earliest: true });
    consumer = await startTestApp({ databaseUrl: database.url, topicPrefix: prefix, brokers });
    const again = consumer;
    await eventually(async () => expect(await groupCaughtUp(admin, groupId, topic)).toBe(true));
    expect((await projections(again)).find((projection) => projection.serviceId === base.serviceId)).toMatchObject({ applied: 9, version: 9 });
    expect(projector(again).handled.filter((event) => ids.includes(event.id))).toEqual([]);
    expect(await count(again, 'SELECT count(*) AS n FROM messaging_inbox WHERE event_id = ANY($1::text[])', [ids])).toBe(9);
  });
});
