import type { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { InvalidPayloadError, type EventPayload } from '@relais/contracts';
import { EventPublisher, PublishOutsideTransactionError } from './event-publisher';
import { resolveMessagingOptions } from './messaging-options';
import type { OutboxSignal } from './outbox-signal';

const requested: EventPayload<'fr.relais.referral.referral.requested.v1'> = {
  referralId: '6f1c2b7e-4d0a-4c9e-9a51-3b2f8f0e1a01',
  personRef: 'p-7f3a9c1e2b',
  sendingStructureId: '0b8e5d1a-0000-4000-8000-000000000001',
  receivingStructureId: '0b8e5d1a-0000-4000-8000-000000000002',
  receivingServiceId: '0b8e5d1a-0000-4000-8000-000000000003',
  networkId: null,
  previousReferralId: null,
  needs: ['caf'],
  urgency: 'normal',
  assessmentId: null,
  consent: { scope: ['contact'], method: 'oral', expiresAt: null },
  acknowledgeDueAt: '2026-11-25T10:00:00.000Z',
  firstContactDueAt: '2026-11-30T10:00:00.000Z',
  by: { role: 'agent', structureId: '0b8e5d1a-0000-4000-8000-000000000001', subject: 'agent-42' },
  at: '2026-11-23T10:00:00.000Z',
};

/** A TransactionHost whose transaction is a recorder of queries. */
function fakeTransactionHost(active: boolean) {
  const queries: Array<{ sql: string; params: unknown[] }> = [];
  const host = {
    isTransactionActive: () => active,
    tx: {
      query: (sql: string, params: unknown[] = []) => {
        queries.push({ sql, params });
        return Promise.resolve([]);
      },
    },
  };
  return { host: host as unknown as TransactionHost<TransactionalAdapterTypeOrm>, queries };
}

/** An OutboxSignal that can (or cannot) observe the commit of the transaction it is given. */
function fakeSignal(observable: boolean) {
  const asked: unknown[] = [];
  const signal = {
    afterCommitOf: (manager: unknown) => {
      asked.push(manager);
      return observable;
    },
  };
  return { signal: signal as unknown as OutboxSignal, asked };
}

describe('EventPublisher', () => {
  const options = resolveMessagingOptions({ service: 'referral', brokers: ['127.0.0.1:9092'] });

  it('writes the event in the active transaction and asks for the relay to be woken after its commit', async () => {
    const { host, queries } = fakeTransactionHost(true);
    const { signal, asked } = fakeSignal(true);
    const time = new Date('2026-11-23T10:00:01.000Z');
    const id = await new EventPublisher(host, options, signal).publish('fr.relais.referral.referral.requested.v1', requested, { time });
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    // No NOTIFY in the transaction: it would make every publishing transaction commit alone.
    expect(queries).toHaveLength(1);
    expect(queries[0]?.sql).toMatch(/INSERT INTO messaging_outbox/);
    expect(queries[0]?.params).toEqual([id, 'fr.relais.referral.referral.requested.v1', 'relais.referral.referral.v1', requested.referralId, JSON.stringify(requested), null, time.toISOString()]);
    expect(asked).toEqual([host.tx]);
  });

  it('notifies inside the transaction when its commit cannot be observed', async () => {
    const { host, queries } = fakeTransactionHost(true);
    await new EventPublisher(host, options, fakeSignal(false).signal).publish('fr.relais.referral.referral.requested.v1', requested);
    expect(queries).toHaveLength(2);
    expect(queries[1]).toEqual({ sql: `SELECT pg_notify($1, '')`, params: ['relais_outbox'] });
  });

  it('refuses outside a transaction, an invalid payload, a foreign event, a malformed id', async () => {
    const outside = fakeTransactionHost(false);
    await expect(new EventPublisher(outside.host, options, fakeSignal(true).signal).publish('fr.relais.referral.referral.requested.v1', requested)).rejects.toThrow(PublishOutsideTransactionError);

    const inside = fakeTransactionHost(true);
    const publisher = new EventPublisher(inside.host, options, fakeSignal(true).signal);
    const invalid = { ...requested, urgency: 'asap' } as unknown as typeof requested;
    await expect(publisher.publish('fr.relais.referral.referral.requested.v1', invalid)).rejects.toThrow(InvalidPayloadError);
    await expect(publisher.publish('fr.relais.referral.referral.requested.v1', invalid)).rejects.toThrow(/\/urgency/);
    await expect(publisher.publish('fr.relais.directory.network.snapshot.v1', {} as EventPayload<'fr.relais.directory.network.snapshot.v1'>)).rejects.toThrow(
      /published by the directory service, not by referral/,
    );
    await expect(publisher.publish('fr.relais.referral.referral.requested.v1', requested, { id: 'evt-1' })).rejects.toThrow(/not a UUID/);
    expect(outside.queries).toEqual([]);
    expect(inside.queries).toEqual([]);
  });
});
