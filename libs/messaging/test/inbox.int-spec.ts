import type { INestApplicationContext } from '@nestjs/common';
import { createTestDatabase, eventually, testInfrastructure, uniqueTopicPrefix } from '@relais/testing';
import type { Admin } from 'kafkajs';
import { DataSource } from 'typeorm';
import { InboxPruning } from '../src/messaging-pruning';
import { serviceSnapshot } from './support/fixtures';
import type { ServiceSnapshot } from './support/service-projection';
import { count, groupCaughtUp, kafkaAdmin, projections, projector, publishSnapshots, SERVICE_TOPIC, startTestApp } from './support/test-app';

describe('inbox: each event has one effect, in order per key', () => {
  const brokers = testInfrastructure().kafkaBrokers;
  const prefix = uniqueTopicPrefix('inbox');
  const groupId = `${prefix}relais-directory`;
  const topic = `${prefix}${SERVICE_TOPIC}`;
  let database: { url: string; drop(): Promise<void> };
  let app: INestApplicationContext | undefined;
  let admin: Admin;

  const start = async () => {
    app = await startTestApp({ databaseUrl: database.url, topicPrefix: prefix, brokers, consumer: { concurrency: 3 } });
    return app;
  };

  beforeAll(async () => {
    database = await createTestDatabase('messaging_inbox');
    admin = await kafkaAdmin(brokers);
  });

  afterAll(async () => {
    await app?.close();
    await admin?.disconnect();
    await database?.drop();
  });

  it('applies a redelivered event once: offsets reset to the start after the effects, the count stays 1', async () => {
    const first = await start();
    const snapshots = Array.from({ length: 20 }, (_, i) => serviceSnapshot({ name: `CCAS de Pontivy ${i}` }));
    const ids = await publishSnapshots(first, snapshots);
    await eventually(async () => {
      const rows = await projections(first);
      expect(rows.filter((row) => snapshots.some((s) => s.serviceId === row.serviceId)).map((row) => row.applied)).toEqual(snapshots.map(() => 1));
    });
    await eventually(async () => expect(await groupCaughtUp(admin, groupId, topic)).toBe(true));

    // The consumer stops, then its group goes back to the first offset: as if it had died after
    // every effect and before any commit.
    await first.close();
    app = undefined;
    await admin.resetOffsets({ groupId, topic, earliest: true });
    const [reset] = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(reset?.partitions.every((p) => Number(p.offset) <= 0)).toBe(true);

    const second = await start();
    await eventually(async () => expect(await groupCaughtUp(admin, groupId, topic)).toBe(true));
    const rows = await projections(second);
    for (const snapshot of snapshots) expect(rows.find((row) => row.serviceId === snapshot.serviceId)?.applied).toBe(1);
    expect(projector(second).handled.filter((event) => ids.includes(event.id))).toEqual([]);
    expect(await count(second, 'SELECT count(*) AS n FROM messaging_inbox WHERE event_id = ANY($1::text[])', [ids])).toBe(ids.length);
  });

  it('keeps each key in order while partitions are consumed concurrently', async () => {
    const running = app ?? (await start());
    const keys = 30;
    const versions = 8;
    const bases = Array.from({ length: keys }, (_, i) => serviceSnapshot({ name: `Conseiller numérique ${i}` }));
    // Interleaved as real traffic is: version 1 of every service, then version 2, and so on.
    const stream: ServiceSnapshot[] = [];
    for (let version = 1; version <= versions; version += 1) {
      for (const base of bases) stream.push({ ...base, version, name: `${base.name} v${version}` });
    }
    await publishSnapshots(running, stream);

    await eventually(
      async () => {
        const rows = (await projections(running)).filter((row) => bases.some((base) => base.serviceId === row.serviceId));
        expect(rows).toHaveLength(keys);
        for (const row of rows) expect({ version: row.version, applied: row.applied }).toEqual({ version: versions, applied: versions });
      },
      { timeoutMs: 30_000 },
    );
    const rows = (await projections(running)).filter((row) => bases.some((base) => base.serviceId === row.serviceId));
    expect(rows.reduce((sum, row) => sum + row.outOfOrder, 0)).toBe(0);
    for (const base of bases) {
      const seen = projector(running).handled.filter((event) => event.serviceId === base.serviceId).map((event) => event.version);
      expect(seen).toEqual(Array.from({ length: versions }, (_, i) => i + 1));
    }
    const partitions = await admin.fetchTopicOffsets(topic);
    expect(partitions.filter((p) => Number(p.high) > 0).length).toBeGreaterThan(1);
  });

  it('forgets handled events once no redelivery can reach them, in a job of its own', async () => {
    const running = app ?? (await start());
    const dataSource = running.get(DataSource);
    // 36 days: past the 35 of retention (longer than the topics' 30); 34 days: still deduplicated.
    await dataSource.query(
      `INSERT INTO messaging_inbox (consumer, event_id, type, received_at) VALUES
         ('test-consumer', 'forgotten', 'test', now() - interval '36 days'),
         ('test-consumer', 'remembered', 'test', now() - interval '34 days')`,
    );
    const round = await running.get(InboxPruning).job.runOnce();
    expect(round).toEqual({ ran: true, result: 1 });
    expect(await count(running, `SELECT count(*) AS n FROM messaging_inbox WHERE consumer = 'test-consumer'`)).toBe(1);
    expect(await count(running, `SELECT count(*) AS n FROM messaging_inbox WHERE event_id = 'remembered'`)).toBe(1);
  });
});
