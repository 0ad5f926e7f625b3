import { Logger } from '@nestjs/common';
import type { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { DiscoveryService } from '@nestjs/core';
import { MetadataScanner } from '@nestjs/core';
import type { EventPayload } from '@relais/contracts';
import type { Message } from 'kafkajs';
import { cloudEventHeaders } from './cloudevents';
import type { DirectProducer } from './direct-producer';
import { HandlerRegistry } from './handler-registry';
import type { KafkaConnection } from './kafka-connection';
import { MessageProcessor, type IncomingRecord } from './message-processor';
import { MessagingMetrics } from './messaging-metrics';
import { resolveMessagingOptions } from './messaging-options';
import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { KeyState, ParkedKeys, ParkedRecord } from './parked-keys';
import { PermanentEventError } from './permanent-event-error';
import { TopicNames } from './topic-names';

type Network = EventPayload<'fr.relais.directory.network.snapshot.v1'>;
const TYPE = 'fr.relais.directory.network.snapshot.v1';
const network: Network = {
  networkId: '0b8e5d1a-0000-4000-8000-00000000000a',
  version: 1,
  deleted: false,
  updatedAt: '2026-11-23T10:00:00.000Z',
  lastVerifiedAt: null,
  name: 'Réseau du Pays de Ploërmel',
  department: '56',
  communeCodes: ['56165'],
  sla: { acknowledgeBusinessDays: 2, firstContactBusinessDays: 10, expireAfterDays: 30 },
};

function record(overrides: Partial<IncomingRecord> & { type?: string; id?: string; source?: string } = {}): IncomingRecord {
  const { type = TYPE, id = 'e-1', source = '/relais/directory', ...rest } = overrides;
  return {
    topic: 'p.relais.directory.network.v1',
    partition: 2,
    offset: '41',
    key: Buffer.from(network.networkId),
    value: Buffer.from(JSON.stringify(network)),
    headers: cloudEventHeaders({ id, source, type, time: new Date('2026-11-23T10:00:00.000Z'), subject: network.networkId }),
    ...rest,
  };
}

/** The parked-keys tables in memory, rolled back with the transaction like the real ones. */
function memoryParking() {
  let keys = new Map<string, KeyState>();
  let parked: ParkedRecord[] = [];
  const id = (topic: string, key: string) => `${topic}/${key}`;
  const parking = {
    lockKeys: (topic: string, wanted: string[]) =>
      Promise.resolve(new Map(wanted.flatMap((key) => (keys.has(id(topic, key)) ? [[key, { ...keys.get(id(topic, key)) }] as [string, KeyState]] : [])))),
    park: (topic: string, key: string, eventId: string, rec: IncomingRecord) => {
      if (!parked.some((p) => (p.record.headers as Record<string, string>)['ce_id'] === eventId)) parked.push({ topic, key, record: rec });
      return Promise.resolve();
    },
    block: (topic: string, key: string, eventId: string) => Promise.resolve(void keys.set(id(topic, key), { blocker: eventId })),
    release: (topic: string, key: string, eventId: string) => {
      const state = keys.get(id(topic, key));
      if (state?.blocker !== eventId) return Promise.resolve(false);
      keys.set(id(topic, key), { blocker: null });
      return Promise.resolve(true);
    },
    releasedKeys: () =>
      Promise.resolve({
        released: [...keys].filter(([, state]) => state.blocker === null).map(([k]) => ({ topic: k.split('/')[0] ?? '', key: k.split('/')[1] ?? '' })),
        expired: [],
      }),
    lockForDrain: (topic: string, key: string) => Promise.resolve(keys.get(id(topic, key))),
    takeNext: (topic: string, key: string) => {
      const index = parked.findIndex((p) => p.topic === topic && p.key === key);
      const [taken] = index < 0 ? [] : parked.splice(index, 1);
      return Promise.resolve(taken);
    },
    unblock: (topic: string, key: string) => Promise.resolve(void keys.delete(id(topic, key))),
  };
  return {
    parking: parking as unknown as ParkedKeys,
    keys: () => keys,
    parked: () => parked,
    snapshot: () => {
      const saved = { keys: new Map(keys), parked: [...parked] };
      return () => {
        keys = new Map(saved.keys);
        parked = [...saved.parked];
      };
    },
  };
}

/**
 * The processor with an in-memory inbox, a recording producer and one handler whose behaviour a test
 * sets (per event id if it likes). The handler's effects are transactional like the inbox: kept on
 * commit, dropped on rollback, so "applied" is what a real database would hold.
 */
function setup() {
  const inbox = new Set<string>();
  const applied: string[] = [];
  let databaseUp = true;
  let failCommit: (() => Error | undefined) | undefined;
  const transactions: string[] = [];
  const parking = memoryParking();
  let savepoint: (() => void) | undefined;
  const txHost = {
    tx: {
      query: (sql: string, params: unknown[]) => {
        if (sql === 'SELECT 1') return databaseUp ? Promise.resolve([{}]) : Promise.reject(new Error('ECONNREFUSED'));
        if (sql.startsWith('SAVEPOINT')) {
          const [inboxBefore, appliedBefore, restoreParking] = [new Set(inbox), applied.length, parking.snapshot()];
          savepoint = () => {
            inbox.clear();
            for (const key of inboxBefore) inbox.add(key);
            applied.length = appliedBefore;
            restoreParking();
          };
          return Promise.resolve([]);
        }
        if (sql.startsWith('RELEASE SAVEPOINT')) return Promise.resolve([]);
        if (sql.startsWith('ROLLBACK TO SAVEPOINT')) return Promise.resolve(void savepoint?.());
        const [consumer, ids] = params as [string, string[], string[]];
        const inserted: Array<{ event_id: string }> = [];
        for (const id of ids) {
          const key = `${consumer}/${id}`;
          if (inbox.has(key)) continue;
          inbox.add(key);
          inserted.push({ event_id: id });
        }
        return Promise.resolve(inserted);
      },
    },
    // All or nothing, like the real transaction: the inbox rows and the effects go if anything throws.
    withoutTransaction: <T>(work: () => Promise<T>): Promise<T> => work(),
    withTransaction: async <T>(work: () => Promise<T>): Promise<T> => {
      const inboxBefore = new Set(inbox);
      const appliedBefore = applied.length;
      const restoreParking = parking.snapshot();
      try {
        const result = await work();
        const commitError = failCommit?.();
        if (commitError) throw commitError;
        transactions.push('commit');
        return result;
      } catch (error) {
        inbox.clear();
        for (const key of inboxBefore) inbox.add(key);
        applied.length = appliedBefore;
        restoreParking();
        transactions.push('rollback');
        throw error;
      }
    },
  } as unknown as TransactionHost<TransactionalAdapterTypeOrm>;
  const sent: Array<{ topic: string; message: Message }> = [];
  const producer = { send: (topic: string, message: Message) => Promise.resolve(void sent.push({ topic, message })) } as unknown as DirectProducer;
  const connection = { topics: new TopicNames('p.', 'referral') } as unknown as KafkaConnection;
  const registry = new HandlerRegistry({ getProviders: () => [] } as unknown as DiscoveryService, new MetadataScanner());
  const calls: Array<{ payload: unknown; attempt: number; id: string }> = [];
  let behaviour: (id: string) => Promise<void> = () => Promise.resolve();
  registry.register({
    type: TYPE,
    name: 'NetworkProjector.onNetwork',
    invoke: async (payload, context) => {
      calls.push({ payload, attempt: context.attempt, id: context.id });
      await behaviour(context.id);
      applied.push(context.id);
    },
  });
  const options = resolveMessagingOptions({ service: 'referral', brokers: ['b:9092'], consumer: { retryDelaysMs: [100, 200] } });
  const metricsRegistry = new Registry();
  // No workers: the scrape-time families (outbox, lag) need a database and a broker; the counters do not.
  const metrics = new MessagingMetrics(metricsRegistry, {} as DataSource, connection, registry, { ...options, workers: false });
  const processor = new MessageProcessor(txHost, registry, producer, connection, parking.parking, options, metrics);
  return {
    processor,
    metricsRegistry,
    parking,
    sent,
    calls,
    inbox,
    applied,
    transactions,
    fail: (error: Error) => {
      behaviour = () => Promise.reject(error);
    },
    failFor: (failures: Record<string, Error>) => {
      behaviour = (id) => (failures[id] ? Promise.reject(failures[id]) : Promise.resolve());
    },
    failCommit: (decide: () => Error | undefined) => {
      failCommit = decide;
    },
    databaseDown: () => {
      databaseUp = false;
    },
  };
}

const header = (message: Message | undefined, name: string) => (message?.headers as Record<string, string> | undefined)?.[name];

describe('MessageProcessor', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  it('runs the handler once per event id', async () => {
    const { processor, calls, inbox } = setup();
    expect(await processor.process(record())).toBe('handled');
    expect(await processor.process(record({ offset: '42' }))).toBe('duplicate');
    expect(calls).toEqual([{ payload: network, attempt: 1, id: 'e-1' }]);
    expect([...inbox]).toEqual(['referral/e-1']);
  });

  it('skips catalog events it has no handler for', async () => {
    const { processor, sent } = setup();
    expect(await processor.process(record({ type: 'fr.relais.directory.structure.snapshot.v1', topic: 'p.relais.directory.structure.v1' }))).toBe('skipped');
    expect(sent).toEqual([]);
  });

  it('sends a transient failure to its retry topic with the next attempt, then dead-letters it', async () => {
    const { processor, sent, inbox, fail, metricsRegistry } = setup();
    fail(new Error('connection reset'));
    expect(await processor.process(record())).toBe('retried');
    expect(inbox.size).toBe(0);
    const [retry] = sent;
    expect(retry?.topic).toBe('p.relais.directory.network.v1.retry.referral');
    expect(header(retry?.message, 'relais_attempt')).toBe('2');
    expect(header(retry?.message, 'relais_original_offset')).toBe('41');

    const onRetryTopic = { ...record(), topic: retry?.topic ?? '', partition: 0, offset: '7', headers: retry?.message.headers as Record<string, string> };
    expect(await processor.process({ ...onRetryTopic, headers: { ...onRetryTopic.headers, relais_attempt: '3' } })).toBe('dead-lettered');
    const dead = sent[1];
    expect(dead?.topic).toBe('p.relais.directory.network.v1.dlt');
    expect(header(dead?.message, 'relais_dead_letter_reason')).toBe('attempts-exhausted');
    expect(header(dead?.message, 'relais_original_partition')).toBe('2');
    expect(header(dead?.message, 'relais_original_offset')).toBe('41');
    // The retry topic's record counts under its catalog topic, like the original.
    const counted = async (name: string) => (await metricsRegistry.getSingleMetric(name)?.get())?.values;
    expect(await counted('relais_event_retries_total')).toEqual([{ labels: { topic: 'relais.directory.network.v1' }, value: 1 }]);
    expect(await counted('relais_dead_letters_total')).toEqual([{ labels: { topic: 'relais.directory.network.v1' }, value: 1 }]);
  });

  it('neither retries nor dead-letters while the database is away: the record is read again later', async () => {
    const { processor, sent, fail, databaseDown } = setup();
    fail(new Error('Connection terminated unexpectedly'));
    databaseDown();
    await expect(processor.process(record())).rejects.toThrow(/database unavailable while handling/);
    expect(sent).toEqual([]);
  });

  it('dead-letters permanent errors, invalid payloads and records that are not CloudEvents at once', async () => {
    const { processor, sent, fail, calls } = setup();
    fail(new PermanentEventError('network of another département'));
    expect(await processor.process(record())).toBe('dead-lettered');
    expect(await processor.process(record({ id: 'e-2', value: Buffer.from(JSON.stringify({ ...network, sla: null })) }))).toBe('dead-lettered');
    expect(await processor.process(record({ id: 'e-3', value: Buffer.from('{not json') }))).toBe('dead-lettered');
    expect(await processor.process(record({ headers: {} }))).toBe('dead-lettered');
    expect(sent.map((s) => header(s.message, 'relais_dead_letter_reason'))).toEqual(['permanent-error', 'invalid-payload', 'invalid-payload', 'not-a-cloudevent']);
    expect(sent.every((s) => s.topic === 'p.relais.directory.network.v1.dlt')).toBe(true);
    expect(header(sent[1]?.message, 'relais_error')).toMatch(/\/sla/);
    expect(calls).toHaveLength(1);
  });

  it('skips a type its catalog does not know (a newer publisher during a rolling deploy) with one warning per type', async () => {
    const { processor, sent, calls } = setup();
    const warn = jest.spyOn(Logger.prototype, 'warn');
    try {
      expect(await processor.process(record({ id: 'e-1', type: 'fr.relais.directory.network.snapshot.v2' }))).toBe('skipped');
      expect(await processor.process(record({ id: 'e-2', type: 'fr.relais.directory.network.snapshot.v2' }))).toBe('skipped');
      expect(await processor.process(record({ id: 'e-3', type: 'fr.relais.directory.network.renamed.v1' }))).toBe('skipped');
      expect(warn.mock.calls.map(([message]) => String(message))).toEqual([
        expect.stringContaining('skipping fr.relais.directory.network.snapshot.v2 on relais.directory.network.v1'),
        expect.stringContaining('skipping fr.relais.directory.network.renamed.v1'),
      ]);
    } finally {
      warn.mockRestore();
    }
    expect(sent).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('dead-letters a forged event at once: a source that is not the publisher of its type, or a type off its topic', async () => {
    const { processor, sent, calls } = setup();
    expect(await processor.process(record({ id: 'e-1', source: '/relais/diagnostic' }))).toBe('dead-lettered');
    expect(await processor.process(record({ id: 'e-2', topic: 'p.relais.directory.service.v1' }))).toBe('dead-lettered');
    expect(sent.map((s) => [s.topic, header(s.message, 'relais_dead_letter_reason'), header(s.message, 'relais_attempt')])).toEqual([
      ['p.relais.directory.network.v1.dlt', 'forged', '1'],
      ['p.relais.directory.service.v1.dlt', 'forged', '1'],
    ]);
    expect(header(sent[0]?.message, 'relais_error')).toBe('Error: ce_source /relais/diagnostic is not the publisher of fr.relais.directory.network.snapshot.v1 (/relais/directory)');
    expect(header(sent[1]?.message, 'relais_error')).toMatch(/published on relais\.directory\.network\.v1, not on relais\.directory\.service\.v1/);
    expect(calls).toEqual([]);
  });

  describe('order per key under retries', () => {
    const sameKey = (id: string, offset: string) => record({ id, offset });
    const otherKey = (id: string, offset: string) => record({ id, offset, key: Buffer.from('another-network') });
    /** The retry record the processor sent for `id`, as the consumer would read it back from the retry topic. */
    const fromRetryTopic = (sent: Array<{ topic: string; message: Message }>, id: string): IncomingRecord => {
      const retry = [...sent].reverse().find((s) => header(s.message, 'ce_id') === id);
      if (!retry) throw new Error(`no retry for ${id}`);
      return { topic: retry.topic, partition: 0, offset: '9', key: retry.message.key as Buffer, value: Buffer.from(String(retry.message.value)), headers: retry.message.headers };
    };

    it('parks the later records of a key behind one waiting in the retry topic, and applies them after it, in order', async () => {
      const { processor, sent, applied, failFor, parking } = setup();
      failFor({ 'e-1': new Error('connection reset') });
      expect(await processor.processBatch([sameKey('e-1', '1'), otherKey('x-1', '2'), sameKey('e-2', '3')])).toEqual(['retried', 'handled', 'parked']);
      expect(await processor.processBatch([sameKey('e-3', '4')])).toEqual(['parked']);
      // Other keys flow; this one waits.
      expect(applied).toEqual(['x-1']);
      expect(parking.parked().map((p) => header({ headers: p.record.headers } as Message, 'ce_id'))).toEqual(['e-2', 'e-3']);

      failFor({});
      expect(await processor.processBatch([fromRetryTopic(sent, 'e-1')])).toEqual(['handled']);
      expect(applied).toEqual(['x-1', 'e-1', 'e-2', 'e-3']);
      // Nothing left behind the key: it flows again.
      expect(parking.keys().size).toBe(0);
      expect(await processor.processBatch([sameKey('e-4', '5')])).toEqual(['handled']);
    });

    it('makes a parked record that fails in its turn the new blocker, the rest staying behind it', async () => {
      const { processor, sent, applied, failFor, parking } = setup();
      failFor({ 'e-1': new Error('connection reset'), 'e-2': new Error('lock timeout') });
      await processor.processBatch([sameKey('e-1', '1'), sameKey('e-2', '2'), sameKey('e-3', '3')]);
      failFor({ 'e-2': new Error('lock timeout') });
      expect(await processor.processBatch([fromRetryTopic(sent, 'e-1')])).toEqual(['handled']);
      expect(applied).toEqual(['e-1']);
      expect([...parking.keys().values()]).toEqual([{ blocker: 'e-2' }]);
      expect((fromRetryTopic(sent, 'e-2').headers as Record<string, string>)['relais_attempt']).toBe('2');

      failFor({});
      expect(await processor.processBatch([fromRetryTopic(sent, 'e-2')])).toEqual(['handled']);
      expect(applied).toEqual(['e-1', 'e-2', 'e-3']);
    });

    it('releases the key when its blocker is given up as a dead letter', async () => {
      const { processor, sent, applied, failFor } = setup();
      failFor({ 'e-1': new Error('connection reset') });
      await processor.processBatch([sameKey('e-1', '1'), sameKey('e-2', '2')]);
      const lastAttempt = { ...fromRetryTopic(sent, 'e-1') };
      lastAttempt.headers = { ...(lastAttempt.headers as Record<string, string>), relais_attempt: '3' };
      expect(await processor.processBatch([lastAttempt])).toEqual(['dead-lettered']);
      expect(applied).toEqual(['e-2']);
    });

    it('applies parked records left by an interrupted drain when swept', async () => {
      const { processor, sent, applied, failFor, parking } = setup();
      failFor({ 'e-1': new Error('connection reset') });
      await processor.processBatch([sameKey('e-1', '1'), sameKey('e-2', '2')]);
      // The blocker settled, but the process died before draining.
      await parking.parking.release('relais.directory.network.v1', network.networkId, 'e-1');
      await processor.drainReleased();
      expect(applied).toEqual(['e-2']);
      expect(parking.keys().size).toBe(0);
      expect(sent).toHaveLength(1);
    });
  });

  describe('a batch of records', () => {
    // One aggregate each: a failing record holds back the later records of its own key only (tested apart).
    const batch = (ids: string[]) => ids.map((id, i) => record({ id, offset: String(100 + i), key: Buffer.from(`network-${id}`) }));

    it('applies a run of records in one transaction, each once, and settles them in order', async () => {
      const { processor, applied, transactions, inbox } = setup();
      const settled: Array<[number, string]> = [];
      const outcomes = await processor.processBatch(batch(['e-1', 'e-2', 'e-3', 'e-4']), (index, outcome) => settled.push([index, outcome]));
      expect(outcomes).toEqual(['handled', 'handled', 'handled', 'handled']);
      expect(settled).toEqual([
        [0, 'handled'],
        [1, 'handled'],
        [2, 'handled'],
        [3, 'handled'],
      ]);
      expect(transactions).toEqual(['commit']);
      expect(applied).toEqual(['e-1', 'e-2', 'e-3', 'e-4']);
      expect(inbox.size).toBe(4);
    });

    it('counts an event present twice in a run (a relay that sent it again) and one seen before as duplicates', async () => {
      const { processor, calls, applied, metricsRegistry } = setup();
      await processor.process(record({ id: 'e-0' }));
      expect(await processor.processBatch(batch(['e-1', 'e-0', 'e-2', 'e-1']))).toEqual(['handled', 'duplicate', 'handled', 'duplicate']);
      expect(calls.map((call) => call.id)).toEqual(['e-0', 'e-1', 'e-2']);
      expect(applied).toEqual(['e-0', 'e-1', 'e-2']);
      // Counted by catalog topic (prefix removed), for the operator's dashboard.
      const skipped = await metricsRegistry.getSingleMetric('relais_inbox_duplicates_skipped_total')?.get();
      expect(skipped?.values).toEqual([{ labels: { topic: 'relais.directory.network.v1' }, value: 2 }]);
      const records = await metricsRegistry.getSingleMetric('relais_consumer_records_total')?.get();
      expect(records?.values.find((v) => v.labels['outcome'] === 'handled')?.value).toBe(3);
    });

    it('isolates a handler failing in the middle: the others are applied once, the failing one goes to retry, nothing twice', async () => {
      const { processor, sent, calls, applied, inbox, transactions, failFor } = setup();
      failFor({ 'e-3': new Error('connection reset') });
      const settled: number[] = [];
      const outcomes = await processor.processBatch(batch(['e-1', 'e-2', 'e-3', 'e-4', 'e-5']), (index) => settled.push(index));
      expect(outcomes).toEqual(['handled', 'handled', 'retried', 'handled', 'handled']);
      expect(settled).toEqual([0, 1, 2, 3, 4]);
      // The run was rolled back at e-3; e-1 and e-2 were applied again in a transaction of their own, e-4 and e-5 in the next.
      expect(transactions).toEqual(['rollback', 'commit', 'commit']);
      expect(applied).toEqual(['e-1', 'e-2', 'e-4', 'e-5']);
      expect([...inbox].sort()).toEqual(['referral/e-1', 'referral/e-2', 'referral/e-4', 'referral/e-5']);
      // The failing handler ran once for this delivery; its retry carries that error and the record's own offset.
      expect(calls.filter((call) => call.id === 'e-3')).toHaveLength(1);
      expect(sent).toHaveLength(1);
      expect(sent[0]?.topic).toBe('p.relais.directory.network.v1.retry.referral');
      expect(header(sent[0]?.message, 'relais_attempt')).toBe('2');
      expect(header(sent[0]?.message, 'relais_original_offset')).toBe('102');
      expect(header(sent[0]?.message, 'relais_error')).toBe('Error: connection reset');

      // Redelivered as a whole (a crash before the offsets were committed): nothing is applied twice.
      expect(await processor.processBatch(batch(['e-1', 'e-2', 'e-4', 'e-5']))).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate']);
      expect(applied).toEqual(['e-1', 'e-2', 'e-4', 'e-5']);
    });

    it('dead-letters a permanent failure in the middle and applies the rest', async () => {
      const { processor, sent, applied, failFor } = setup();
      failFor({ 'e-1': new PermanentEventError('network of another département') });
      expect(await processor.processBatch(batch(['e-1', 'e-2']))).toEqual(['dead-lettered', 'handled']);
      expect(applied).toEqual(['e-2']);
      expect(header(sent[0]?.message, 'relais_dead_letter_reason')).toBe('permanent-error');
    });

    it('keeps records that settle without a transaction in their place', async () => {
      const { processor, sent, applied, transactions } = setup();
      const records = [record({ id: 'e-1', offset: '1' }), record({ id: 'e-x', offset: '2', value: Buffer.from('{not json') }), record({ id: 'e-2', offset: '3' }), record({ id: 'e-3', offset: '4' })];
      const order: string[] = [];
      const outcomes = await processor.processBatch(records, (index, outcome) => order.push(`${index}:${outcome}:${applied.join(',')}`));
      expect(outcomes).toEqual(['handled', 'dead-lettered', 'handled', 'handled']);
      // The dead letter was sent after the run before it committed, and before the run after it.
      expect(order).toEqual(['0:handled:e-1', '1:dead-lettered:e-1', '2:handled:e-1,e-2,e-3', '3:handled:e-1,e-2,e-3']);
      expect(transactions).toEqual(['commit', 'commit']);
      expect(sent.map((s) => header(s.message, 'relais_original_offset'))).toEqual(['2']);
    });

    it('applies each record alone when the commit of the run fails, so only the culprit is retried', async () => {
      const { processor, sent, applied, failCommit } = setup();
      // A deferred constraint, say, that only e-2's effects break: visible at commit, not at the handler.
      failCommit(() => (applied.includes('e-2') ? new Error('deferred constraint violated') : undefined));
      expect(await processor.processBatch(batch(['e-1', 'e-2', 'e-3']))).toEqual(['handled', 'retried', 'handled']);
      expect(applied).toEqual(['e-1', 'e-3']);
      expect(sent.map((s) => header(s.message, 'relais_original_offset'))).toEqual(['101']);
    });

    it('stops without settling the rest when the database does not answer', async () => {
      const { processor, sent, failFor, databaseDown } = setup();
      failFor({ 'e-2': new Error('Connection terminated unexpectedly') });
      databaseDown();
      const settled: number[] = [];
      await expect(processor.processBatch(batch(['e-1', 'e-2', 'e-3']), (index) => settled.push(index))).rejects.toThrow(/database unavailable while handling .* e-2/);
      expect(settled).toEqual([]);
      expect(sent).toEqual([]);
    });
  });
});
