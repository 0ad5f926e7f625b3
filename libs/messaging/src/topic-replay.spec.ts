import { MetadataScanner, type DiscoveryService } from '@nestjs/core';
import type { EventPayload } from '@relais/contracts';
import type { KafkaMessage } from 'kafkajs';
import { cloudEventHeaders } from './cloudevents';
import type { EventContext } from './handles-event.decorator';
import { HandlerRegistry } from './handler-registry';
import type { KafkaConnection } from './kafka-connection';
import { TopicNames } from './topic-names';
import { replayedEvent, TopicReplay } from './topic-replay';

const TYPE = 'fr.relais.directory.network.snapshot.v1';
const network: EventPayload<typeof TYPE> = {
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
const topics = new TopicNames('p.', 'reporting');
const MAIN = 'p.relais.directory.network.v1';

function message(overrides: { type?: string; source?: string; value?: string } = {}): KafkaMessage {
  const { type = TYPE, source = '/relais/directory', value = JSON.stringify(network) } = overrides;
  return {
    key: Buffer.from(network.networkId),
    value: Buffer.from(value),
    offset: '7',
    timestamp: '0',
    attributes: 0,
    headers: cloudEventHeaders({ id: 'e-1', source, type, time: new Date('2026-11-23T10:00:00.000Z'), subject: network.networkId }),
  };
}

function registryWith(calls: Array<{ payload: unknown; context: EventContext }>): HandlerRegistry {
  const registry = new HandlerRegistry({ getProviders: () => [] } as unknown as DiscoveryService, new MetadataScanner());
  registry.register({ type: TYPE, name: 'Copy.onNetwork', invoke: (payload, context) => Promise.resolve(void calls.push({ payload, context })) });
  return registry;
}

describe('replay group', () => {
  it('is named after the live group, beside it, and refuses names that would blur it', () => {
    expect(topics.replayGroupId('v1765')).toBe('p.relais-reporting.replay.v1765');
    expect(topics.groupId()).toBe('p.relais-reporting');
    expect(() => topics.replayGroupId('V 1')).toThrow(/lowercase/);
  });
});

describe('replayedEvent', () => {
  it('binds a checked event to its handlers, with the context the live consumer gives them', async () => {
    const calls: Array<{ payload: unknown; context: EventContext }> = [];
    const read = replayedEvent(topics, registryWith(calls), MAIN, 3, message());
    if (read === null || 'skipped' in read) throw new Error(`expected an event, got ${JSON.stringify(read)}`);
    await read.apply();
    expect(calls).toEqual([{ payload: network, context: expect.objectContaining({ id: 'e-1', type: TYPE, topic: 'relais.directory.network.v1', partition: 3, offset: '7', attempt: 1 }) }]);
  });

  it('leaves out what the live consumer dead-letters: forged sources, types off their topic, payloads off their schema, non-JSON', () => {
    const registry = registryWith([]);
    expect(replayedEvent(topics, registry, MAIN, 0, message({ source: '/relais/referral' }))).toEqual({ skipped: expect.stringContaining('forged') });
    expect(replayedEvent(topics, registry, 'p.relais.referral.referral.v1', 0, message())).toEqual({ skipped: expect.stringContaining('forged') });
    expect(replayedEvent(topics, registry, MAIN, 0, message({ value: JSON.stringify({ ...network, version: 'one' }) }))).toEqual({ skipped: expect.stringContaining('schema') });
    expect(replayedEvent(topics, registry, MAIN, 0, message({ value: '{' }))).toEqual({ skipped: expect.stringContaining('not JSON') });
    expect(replayedEvent(topics, registry, 'p.relais.directory.network.v1.dlt', 0, message())).toEqual({ skipped: expect.stringContaining('not a catalog topic') });
  });

  it('passes over types it does not handle or does not know, as the live consumer skips them', () => {
    const registry = new HandlerRegistry({ getProviders: () => [] } as unknown as DiscoveryService, new MetadataScanner());
    expect(replayedEvent(topics, registry, MAIN, 0, message())).toBeNull();
    expect(replayedEvent(topics, registryWith([]), MAIN, 0, message({ type: 'fr.relais.directory.network.snapshot.v9' }))).toBeNull();
  });
});

describe('TopicReplay progress', () => {
  it('counts what it has read against where the topics end, an unread partition from 0', () => {
    const replay = new TopicReplay({ topics } as unknown as KafkaConnection, registryWith([]));
    const ends = new Map([
      [`${MAIN}:0`, 10n],
      [`${MAIN}:1`, 0n],
    ]);
    expect(replay.progress(ends)).toEqual({ read: 0n, total: 10n });
    expect(replay.caughtUp(ends)).toBe(false);
    expect(replay.caughtUp(new Map([[`${MAIN}:1`, 0n]]))).toBe(true);
  });
});
