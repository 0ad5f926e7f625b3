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
import { resolveMessagingOptions } from './messaging-options';
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

function record(overrides: Partial<IncomingRecord> & { type?: string; id?: string } = {}): IncomingRecord {
  const { type = TYPE, id = 'e-1', ...rest } = overrides;
  return {
    topic: 'p.relais.directory.network.v1',
    partition: 2,
    offset: '41',
    key: Buffer.from(network.networkId),
    value: Buffer.from(JSON.stringify(network)),
    headers: cloudEventHeaders({ id, source: '/relais/directory', type, time: new Date('2026-11-23T10:00:00.000Z'), subject: network.networkId }),
    ...rest,
  };
}

/** The processor with an in-memory inbox, a recording producer and one handler whose behaviour a test sets. */
function setup() {
  const inbox = new Set<string>();
  let databaseUp = true;
  const committed: string[] = [];
  const txHost = {
    tx: {
      query: (sql: string, params: unknown[]) => {
        if (sql === 'SELECT 1') return databaseUp ? Promise.resolve([{}]) : Promise.reject(new Error('ECONNREFUSED'));
        const key = `${String(params[0])}/${String(params[1])}`;
        if (inbox.has(key)) return Promise.resolve([]);
        inbox.add(key);
        return Promise.resolve([{ event_id: params[1] }]);
      },
    },
    // All or nothing, like the real transaction: the inbox row goes if the handler throws.
    withoutTransaction: <T>(work: () => Promise<T>): Promise<T> => work(),
    withTransaction: async <T>(work: () => Promise<T>): Promise<T> => {
      const before = new Set(inbox);
      try {
        const result = await work();
        committed.push('commit');
        return result;
      } catch (error) {
        inbox.clear();
        for (const key of before) inbox.add(key);
        throw error;
      }
    },
  } as unknown as TransactionHost<TransactionalAdapterTypeOrm>;
  const sent: Array<{ topic: string; message: Message }> = [];
  const producer = { send: (topic: string, message: Message) => Promise.resolve(void sent.push({ topic, message })) } as unknown as DirectProducer;
  const connection = { topics: new TopicNames('p.', 'referral') } as unknown as KafkaConnection;
  const registry = new HandlerRegistry({ getProviders: () => [] } as unknown as DiscoveryService, new MetadataScanner());
  const calls: Array<{ payload: unknown; attempt: number }> = [];
  let behaviour: () => Promise<void> = () => Promise.resolve();
  registry.register({
    type: TYPE,
    name: 'NetworkProjector.onNetwork',
    invoke: async (payload, context) => {
      calls.push({ payload, attempt: context.attempt });
      await behaviour();
    },
  });
  const processor = new MessageProcessor(txHost, registry, producer, connection, resolveMessagingOptions({ service: 'referral', brokers: ['b:9092'], consumer: { retryDelaysMs: [100, 200] } }));
  return {
    processor,
    sent,
    calls,
    inbox,
    fail: (error: Error) => {
      behaviour = () => Promise.reject(error);
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
    expect(calls).toEqual([{ payload: network, attempt: 1 }]);
    expect([...inbox]).toEqual(['referral/e-1']);
  });

  it('skips catalog events it has no handler for', async () => {
    const { processor, sent } = setup();
    expect(await processor.process(record({ type: 'fr.relais.directory.structure.snapshot.v1' }))).toBe('skipped');
    expect(sent).toEqual([]);
  });

  it('sends a transient failure to its retry topic with the next attempt, then dead-letters it', async () => {
    const { processor, sent, inbox, fail } = setup();
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
  });

  it('neither retries nor dead-letters while the database is away: the record is read again later', async () => {
    const { processor, sent, fail, databaseDown } = setup();
    fail(new Error('Connection terminated unexpectedly'));
    databaseDown();
    await expect(processor.process(record())).rejects.toThrow(/database unavailable while handling/);
    expect(sent).toEqual([]);
  });

  it('dead-letters permanent errors, invalid payloads, unknown types and records that are not CloudEvents at once', async () => {
    const { processor, sent, fail, calls } = setup();
    fail(new PermanentEventError('network of another département'));
    expect(await processor.process(record())).toBe('dead-lettered');
    expect(await processor.process(record({ id: 'e-2', value: Buffer.from(JSON.stringify({ ...network, sla: null })) }))).toBe('dead-lettered');
    expect(await processor.process(record({ id: 'e-3', value: Buffer.from('{not json') }))).toBe('dead-lettered');
    expect(await processor.process(record({ id: 'e-4', type: 'fr.relais.directory.network.renamed.v1' }))).toBe('dead-lettered');
    expect(await processor.process(record({ headers: {} }))).toBe('dead-lettered');
    expect(sent.map((s) => header(s.message, 'relais_dead_letter_reason'))).toEqual(['permanent-error', 'invalid-payload', 'invalid-payload', 'unknown-type', 'not-a-cloudevent']);
    expect(sent.every((s) => s.topic === 'p.relais.directory.network.v1.dlt')).toBe(true);
    expect(header(sent[1]?.message, 'relais_error')).toMatch(/\/sla/);
    expect(calls).toHaveLength(1);
  });
});
