import type { INestApplicationContext } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { context, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InvalidPayloadError } from '@relais/contracts';
import { advisoryLocks } from '@relais/persistence';
import { createTestDatabase, eventually, testInfrastructure, uniqueTopicPrefix } from '@relais/testing';
import type { Admin } from 'kafkajs';
import { DataSource } from 'typeorm';
import { EventPublisher, PublishOutsideTransactionError } from '../src';
import { OutboxPruning } from '../src/messaging-pruning';
import { OutboxRelay } from '../src/outbox-relay';
import { serviceSnapshot } from './support/fixtures';
import { readRecords } from './support/raw-records';
import { count, groupCaughtUp, kafkaAdmin, projections, projector, publishSnapshots, recordCount, SERVICE_SNAPSHOT, SERVICE_TOPIC, startTestApp } from './support/test-app';

describe('outbox: publishing in the business transaction, relayed to Kafka', () => {
  const brokers = testInfrastructure().kafkaBrokers;
  const prefix = uniqueTopicPrefix('outbox');
  let database: { url: string; drop(): Promise<void> };
  let app: INestApplicationContext;
  let appClosed = false;
  let admin: Admin;
  const contextManager = new AsyncLocalStorageContextManager();

  beforeAll(async () => {
    context.setGlobalContextManager(contextManager.enable());
    database = await createTestDatabase('messaging_outbox');
    app = await startTestApp({ databaseUrl: database.url, topicPrefix: prefix, brokers });
    admin = await kafkaAdmin(brokers);
  });

  afterAll(async () => {
    if (!appClosed) await app?.close();
    await admin?.disconnect();
    await database?.drop();
    context.disable();
  });

  const txHost = () => app.get<TransactionHost<TransactionalAdapterTypeOrm>>(TransactionHost);
  const publisher = () => app.get(EventPublisher);

  it('refuses to publish outside a transaction, and writes nothing', async () => {
    await expect(publisher().publish(SERVICE_SNAPSHOT, serviceSnapshot())).rejects.toThrow(PublishOutsideTransactionError);
    await expect(publisher().publish(SERVICE_SNAPSHOT, serviceSnapshot())).rejects.toThrow(/needs an active transaction.*@Transactional\(\)/);
    expect(await count(app, 'SELECT count(*) AS n FROM messaging_outbox')).toBe(0);
  });

  it('refuses a payload that breaks its schema at publish time, naming every problem', async () => {
    const broken = { ...serviceSnapshot(), roles: [], email: 'jeanne@example.org' } as unknown as ReturnType<typeof serviceSnapshot>;
    const attempt = txHost().withTransaction(() => publisher().publish(SERVICE_SNAPSHOT, broken));
    await expect(attempt).rejects.toThrow(InvalidPayloadError);
    await expect(txHost().withTransaction(() => publisher().publish(SERVICE_SNAPSHOT, broken))).rejects.toThrow(
      /payload of fr\.relais\.directory\.service\.snapshot\.v1 does not match its schema: .*« email ».*\/roles must NOT have fewer than 1 items/,
    );
    expect(await count(app, 'SELECT count(*) AS n FROM messaging_outbox')).toBe(0);
  });

  it('sends nothing when the business transaction rolls back', async () => {
    const snapshot = serviceSnapshot();
    await expect(
      txHost().withTransaction(async () => {
        await publisher().publish(SERVICE_SNAPSHOT, snapshot);
        throw new Error('business rule broken after publishing');
      }),
    ).rejects.toThrow('business rule broken');
    expect(await count(app, 'SELECT count(*) AS n FROM messaging_outbox')).toBe(0);
  });

  it('relays a committed event as a binary-mode CloudEvent, and the consumer continues its trace', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const published = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED });
    const snapshot = serviceSnapshot({ name: 'Espace France Services de Ploërmel' });
    const time = new Date('2026-11-23T10:00:00.000Z');
    const id = await context.with(published, () => txHost().withTransaction(() => publisher().publish(SERVICE_SNAPSHOT, snapshot, { time })));

    const [record] = await readRecords(brokers, `${prefix}${SERVICE_TOPIC}`, (records) => records.some((r) => r.headers['ce_id'] === id));
    expect(record).toMatchObject({
      key: snapshot.serviceId,
      headers: {
        ce_id: id,
        ce_source: '/relais/directory',
        ce_type: SERVICE_SNAPSHOT,
        ce_specversion: '1.0',
        ce_time: time.toISOString(),
        ce_subject: snapshot.serviceId,
        'content-type': 'application/json',
        traceparent: expect.stringMatching(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`)),
      },
    });
    expect(JSON.parse(record?.value ?? 'null')).toEqual(snapshot);

    const handled = await eventually(() => {
      const found = projector(app).handled.find((event) => event.id === id);
      if (!found) throw new Error('not handled yet');
      return found;
    });
    expect(handled.traceId).toBe(traceId);
    expect(handled.traceparent).toContain(traceId);
    expect(await count(app, 'SELECT count(*) AS n FROM messaging_outbox WHERE sent_at IS NULL')).toBe(0);
  });

  it('wakes its own relay once the business transaction committed, with no NOTIFY inside it', async () => {
    const relay = app.get(OutboxRelay);
    const wake = jest.spyOn(relay, 'wake');
    const statements: string[] = [];
    const topic = `${prefix}${SERVICE_TOPIC}`;
    const before = await recordCount(admin, topic);
    try {
      await txHost().withTransaction(async () => {
        const runner = txHost().tx.queryRunner;
        if (!runner) throw new Error('no query runner in the transaction');
        const query = runner.query.bind(runner);
        jest.spyOn(runner, 'query').mockImplementation((sql: string, ...rest: unknown[]) => {
          statements.push(sql);
          return (query as (sql: string, ...rest: unknown[]) => Promise<unknown>)(sql, ...rest);
        });
        await publisher().publish(SERVICE_SNAPSHOT, serviceSnapshot({ name: 'Relayé dès le commit' }));
        expect(wake).not.toHaveBeenCalled();
      });
      expect(wake).toHaveBeenCalledTimes(1);
    } finally {
      wake.mockRestore();
    }
    expect(statements.some((sql) => /INSERT INTO messaging_outbox/.test(sql))).toBe(true);
    expect(statements.some((sql) => /notify/i.test(sql))).toBe(false);
    await eventually(async () => expect(await recordCount(admin, topic)).toBe(before + 1));
  });

  it('survives a relay crash between send and mark: the event is sent twice, applied once', async () => {
    const snapshots = Array.from({ length: 5 }, (_, i) => serviceSnapshot({ name: `Médiathèque de Vannes ${i}` }));
    const ids = await publishSnapshots(app, snapshots);
    await eventually(async () => {
      const rows = await projections(app);
      for (const snapshot of snapshots) expect(rows.find((row) => row.serviceId === snapshot.serviceId)?.applied).toBe(1);
    });
    const topic = `${prefix}${SERVICE_TOPIC}`;
    const before = await recordCount(admin, topic);

    // What a crash after the send and before the commit of `sent_at` leaves: Kafka has them, the outbox says unsent.
    await app.get(DataSource).query(`UPDATE messaging_outbox SET sent_at = NULL WHERE event_id = ANY($1::uuid[])`, [ids]);
    await app.get(DataSource).query(`NOTIFY relais_outbox`);

    await eventually(async () => expect(await recordCount(admin, topic)).toBe(before + snapshots.length));
    await eventually(() => {
      const deliveries = projector(app).handled.filter((event) => ids.includes(event.id));
      expect(deliveries).toHaveLength(snapshots.length);
    });
    // The duplicates reached the consumer (its group committed past them) and changed nothing.
    await eventually(async () => expect(await groupCaughtUp(admin, `${prefix}relais-directory`, topic)).toBe(true));
    expect(await count(app, 'SELECT count(*) AS n FROM messaging_outbox WHERE sent_at IS NULL')).toBe(0);
    const records = await readRecords(brokers, topic, (read) => read.filter((r) => ids.includes(r.headers['ce_id'] ?? '')).length === 2 * ids.length);
    expect(records.filter((r) => ids.includes(r.headers['ce_id'] ?? ''))).toHaveLength(2 * ids.length);
    const rows = await projections(app);
    for (const snapshot of snapshots) expect(rows.find((row) => row.serviceId === snapshot.serviceId)?.applied).toBe(1);
    expect(await count(app, 'SELECT count(*) AS n FROM messaging_inbox WHERE event_id = ANY($1::text[])', [ids])).toBe(ids.length);
  });

  it('prunes sent rows past their retention in a job of its own, one replica at a time', async () => {
    const ids = await publishSnapshots(app, [serviceSnapshot({ name: 'Envoyé il y a longtemps' }), serviceSnapshot({ name: 'Envoyé hier soir' })]);
    await eventually(async () => expect(await count(app, 'SELECT count(*) AS n FROM messaging_outbox WHERE event_id = ANY($1::uuid[]) AND sent_at IS NOT NULL', [ids])).toBe(2));
    const dataSource = app.get(DataSource);
    // Sent two days ago (past the day of retention), and an hour ago (kept to investigate).
    await dataSource.query(`UPDATE messaging_outbox SET sent_at = now() - interval '2 days' WHERE event_id = $1`, [ids[0]]);
    await dataSource.query(`UPDATE messaging_outbox SET sent_at = now() - interval '1 hour' WHERE event_id = $1`, [ids[1]]);
    const pruning = app.get(OutboxPruning).job;

    const other = dataSource.createQueryRunner();
    await other.connect();
    try {
      await other.startTransaction();
      await other.query('SELECT pg_advisory_xact_lock($1)', [advisoryLocks.outboxPruning]);
      expect(await pruning.runOnce()).toEqual({ ran: false });
      await other.rollbackTransaction();
    } finally {
      await other.release();
    }
    expect(await count(app, 'SELECT count(*) AS n FROM messaging_outbox WHERE event_id = ANY($1::uuid[])', [ids])).toBe(2);

    // Every other row of this file was sent minutes ago: only the one of two days ago goes.
    expect(await pruning.runOnce()).toEqual({ ran: true, result: 1 });
    expect(await count(app, 'SELECT count(*) AS n FROM messaging_outbox WHERE event_id = $1', [ids[0]])).toBe(0);
    expect(await count(app, 'SELECT count(*) AS n FROM messaging_outbox WHERE event_id = $1', [ids[1]])).toBe(1);
  });

  it('hands the relay to another replica when the leader stops', async () => {
    const standby = await startTestApp({ databaseUrl: database.url, topicPrefix: prefix, brokers, withProjector: false, relay: { pollIntervalMs: 200 } });
    try {
      expect(app.get(OutboxRelay).isLeader).toBe(true);
      expect(standby.get(OutboxRelay).isLeader).toBe(false);
      await app.close();
      appClosed = true;
      await eventually(() => expect(standby.get(OutboxRelay).isLeader).toBe(true), { timeoutMs: 10_000 });

      const topic = `${prefix}${SERVICE_TOPIC}`;
      const before = await recordCount(admin, topic);
      await publishSnapshots(standby, [serviceSnapshot({ name: 'Relayé par la relève' })]);
      await eventually(async () => expect(await recordCount(admin, topic)).toBe(before + 1));
    } finally {
      await standby.close();
    }
  });

  it('wakes the leader of another replica with a NOTIFY after the commit', async () => {
    // A leader that polls once a minute: only a wake-up can make it relay within seconds.
    const leader = await startTestApp({ databaseUrl: database.url, topicPrefix: prefix, brokers, withProjector: false, relay: { pollIntervalMs: 60_000 } });
    try {
      await eventually(() => expect(leader.get(OutboxRelay).isLeader).toBe(true), { timeoutMs: 10_000 });
      const replica = await startTestApp({ databaseUrl: database.url, topicPrefix: prefix, brokers, withProjector: false });
      try {
        expect(replica.get(OutboxRelay).isLeader).toBe(false);
        // Let the leader's first passes end: from now on it sleeps until woken.
        await new Promise((resolve) => setTimeout(resolve, 500));
        const topic = `${prefix}${SERVICE_TOPIC}`;
        const before = await recordCount(admin, topic);
        await publishSnapshots(replica, [serviceSnapshot({ name: 'Publié par une autre réplique' }), serviceSnapshot({ name: 'Et un autre' })]);
        await eventually(async () => expect(await recordCount(admin, topic)).toBe(before + 2), { timeoutMs: 10_000 });
      } finally {
        await replica.close();
      }
    } finally {
      await leader.close();
    }
  });
});
