import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { INestApplicationContext } from '@nestjs/common';
import { freePort, startKafka, stateSubdir, type KafkaBroker, type KafkaBrokerOptions } from '@relais/infra';
import { createTestDatabase, eventually, uniqueTopicPrefix } from '@relais/testing';
import { serviceSnapshot } from './support/fixtures';
import type { ServiceSnapshot } from './support/service-projection';
import { count, projections, publishSnapshots, startTestApp } from './support/test-app';

jest.setTimeout(90_000);

describe('a broker restart during a stream', () => {
  const dataDir = stateSubdir('test', `messaging-broker-restart-${process.pid}`);
  const prefix = uniqueTopicPrefix('restart');
  let options: KafkaBrokerOptions;
  let broker: KafkaBroker | undefined;
  let database: { url: string; drop(): Promise<void> };
  let app: INestApplicationContext | undefined;

  beforeAll(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    options = { dataDir, port: await freePort(), controllerPort: await freePort(), heapMb: 320 };
    [broker, database] = await Promise.all([startKafka(options), createTestDatabase('messaging_restart')]);
    // Its own broker: its super user, whose password the data dir keeps across the restart.
    app = await startTestApp({ databaseUrl: database.url, topicPrefix: prefix, brokers: broker.brokers, sasl: broker.admin, logLevels: ['error'] });
  });

  afterAll(async () => {
    await app?.close();
    await broker?.stop();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses nothing and applies every event once', async () => {
    const running = app as INestApplicationContext;
    const keys = 20;
    const versions = 9;
    const bases = Array.from({ length: keys }, (_, i) => serviceSnapshot({ name: `Espace public numérique ${i}` }));
    const wave = (version: number): ServiceSnapshot[] => bases.map((base) => ({ ...base, version, name: `${base.name} v${version}` }));

    // Before the restart: flowing normally.
    for (let version = 1; version <= 3; version += 1) await publishSnapshots(running, wave(version));
    await eventually(async () => expect((await projections(running)).every((row) => row.version === 3)).toBe(true), { timeoutMs: 20_000 });

    // While the broker stops, is away, and starts again, the service keeps accepting changes.
    const stopping = (broker as KafkaBroker).stop();
    for (let version = 4; version <= 6; version += 1) {
      await publishSnapshots(running, wave(version));
      await sleep(300);
    }
    await stopping;
    await publishSnapshots(running, wave(7));
    expect(await count(running, 'SELECT count(*) AS n FROM messaging_outbox WHERE sent_at IS NULL')).toBeGreaterThan(0);
    broker = await startKafka(options);
    for (let version = 8; version <= versions; version += 1) await publishSnapshots(running, wave(version));

    await eventually(
      async () => {
        const rows = await projections(running);
        expect(rows).toHaveLength(keys);
        for (const row of rows) expect({ version: row.version, applied: row.applied }).toEqual({ version: versions, applied: versions });
      },
      { timeoutMs: 45_000, intervalMs: 250 },
    );
    expect((await projections(running)).reduce((sum, row) => sum + row.outOfOrder, 0)).toBe(0);
    expect(await count(running, 'SELECT count(*) AS n FROM messaging_outbox WHERE sent_at IS NULL')).toBe(0);
    expect(await count(running, 'SELECT count(*) AS n FROM messaging_inbox')).toBe(keys * versions);
  });
});
