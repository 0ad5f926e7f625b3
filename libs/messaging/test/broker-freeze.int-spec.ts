import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { INestApplicationContext } from '@nestjs/common';
import { freePort, startKafka, stateSubdir, type KafkaBroker } from '@relais/infra';
import { createTestDatabase, eventually, uniqueTopicPrefix } from '@relais/testing';
import { serviceSnapshot } from './support/fixtures';
import { count, publishSnapshots, startTestApp } from './support/test-app';

jest.setTimeout(300_000);

/**
 * A broker that stays down without dying (frozen with SIGSTOP, as a stalled machine or a long GC pause: its
 * connections stay open and answer nothing), then comes back (SIGCONT). Every transaction that published
 * meanwhile committed — what a service answers 201 on — and each of those events reaches Kafka and its
 * consumer once the broker is back, as do the ones published after it: the relay and the consumer heal by
 * themselves, with no restart of the service (bench/README.md's chaos run once saw a service that did not).
 */
describe('a broker frozen while events are published', () => {
  const dataDir = stateSubdir('test', `messaging-broker-freeze-${process.pid}`);
  const prefix = uniqueTopicPrefix('freeze');
  let broker: KafkaBroker | undefined;
  let database: { url: string; drop(): Promise<void> };
  let app: INestApplicationContext | undefined;
  let frozen = false;

  const inboxHas = async (ids: string[]): Promise<number> => count(app as INestApplicationContext, 'SELECT count(*) AS n FROM messaging_inbox WHERE event_id = ANY($1::text[])', [ids]);

  beforeAll(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    const options = { dataDir, port: await freePort(), controllerPort: await freePort(), heapMb: 320 };
    // A broker of its own: freezing the run's shared one would stall every other test.
    [broker, database] = await Promise.all([startKafka(options), createTestDatabase('messaging_freeze')]);
    app = await startTestApp({ databaseUrl: database.url, topicPrefix: prefix, brokers: broker.brokers, sasl: broker.admin, logLevels: ['error'] });
  });

  afterAll(async () => {
    if (frozen && broker) process.kill(broker.pid, 'SIGCONT');
    await app?.close();
    await broker?.stop();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each([20, 60])('publishes through a %i s freeze and delivers every event once the broker is back', async (seconds) => {
    const running = app as INestApplicationContext;
    const pid = (broker as KafkaBroker).pid;
    const flowing = await publishSnapshots(running, [serviceSnapshot({ name: `Avant le gel de ${seconds} s` })]);
    await eventually(async () => expect(await inboxHas(flowing)).toBe(1), { timeoutMs: 30_000 });

    // Frozen: each publication is a transaction of its own, as a request answered 201 would be.
    process.kill(pid, 'SIGSTOP');
    frozen = true;
    const duringFreeze: string[] = [];
    try {
      for (const until = Date.now() + seconds * 1000; Date.now() < until; await sleep(500)) {
        duringFreeze.push(...(await publishSnapshots(running, [serviceSnapshot({ name: `Pendant le gel ${duringFreeze.length}` })])));
      }
      // Nothing reached the broker, and nothing waited for it.
      expect(await inboxHas(duringFreeze)).toBe(0);
    } finally {
      process.kill(pid, 'SIGCONT');
      frozen = false;
    }
    expect(duringFreeze.length).toBeGreaterThan(seconds);

    const after = await publishSnapshots(running, [serviceSnapshot({ name: `Après le gel de ${seconds} s` })]);
    // Healed without a restart: the outbox drains, the consumer reads on, each event applied exactly once.
    await eventually(
      async () => {
        expect(await inboxHas([...duringFreeze, ...after])).toBe(duringFreeze.length + after.length);
        expect(await count(running, 'SELECT count(*) AS n FROM messaging_outbox WHERE sent_at IS NULL')).toBe(0);
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
  });
});
