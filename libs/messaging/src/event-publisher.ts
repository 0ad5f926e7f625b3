import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { context } from '@opentelemetry/api';
import { assertValidPayload, eventDefinition, isEventType, type EventPayload, type EventType } from '@relais/contracts';
import { RESOLVED_MESSAGING_OPTIONS, type ResolvedMessagingOptions } from './messaging-options';
import { OUTBOX_CHANNEL } from './messaging-tables';
import { OutboxSignal } from './outbox-signal';
import { traceparentOf } from './trace-context';

export interface PublishOptions {
  /** The CloudEvents id (a UUID); a fresh one by default. Reusing an id makes the publication fail. */
  id?: string;
  /** The CloudEvents time: when it happened, now by default. */
  time?: Date;
}

/** Publishing outside a transaction would let the event and the business change disagree. */
export class PublishOutsideTransactionError extends Error {
  constructor(type: string) {
    super(
      `publishing ${type} needs an active transaction: call publish() inside a @Transactional() method ` +
        `or TransactionHost.withTransaction(), so the event is written with the change it announces`,
    );
    this.name = 'PublishOutsideTransactionError';
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The transactional outbox: an event is a row written in the caller's transaction, so it exists
 * exactly when the business change does; the relay sends it to Kafka after the commit.
 */
@Injectable()
export class EventPublisher {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    @Inject(RESOLVED_MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
    private readonly signal: OutboxSignal,
  ) {}

  /** Writes the event in the active transaction and returns its CloudEvents id. */
  async publish<T extends EventType>(type: T, payload: EventPayload<T>, options: PublishOptions = {}): Promise<string> {
    if (!isEventType(type)) throw new Error(`unknown event type ${String(type)}: add it to the event catalog`);
    const definition = eventDefinition(type);
    if (definition.publisher !== this.options.service) {
      throw new Error(`${type} is published by the ${definition.publisher} service, not by ${this.options.service}`);
    }
    if (!this.txHost.isTransactionActive()) throw new PublishOutsideTransactionError(type);
    assertValidPayload(type, payload);
    const id = options.id ?? randomUUID();
    if (!UUID.test(id)) throw new Error(`event id "${id}" is not a UUID`);
    const time = options.time ?? new Date();
    if (Number.isNaN(time.getTime())) throw new Error(`event time of ${type} is not a valid date`);
    // The catalog's key function is typed per definition; the payload was just validated against it.
    const key = (definition.key as (payload: EventPayload<T>) => string)(payload);

    const manager = this.txHost.tx;
    await manager.query(
      `INSERT INTO messaging_outbox (event_id, type, topic, key, payload, traceparent, event_time)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)`,
      [id, type, definition.topic, key, JSON.stringify(payload), traceparentOf(context.active()) ?? null, time.toISOString()],
    );
    // The relay is woken after the commit (never by a NOTIFY inside this transaction, which would make
    // every publishing transaction commit alone); without a query runner to observe, NOTIFY it is:
    // delivered at commit, dropped on rollback, folded into one per transaction.
    if (!this.signal.afterCommitOf(manager)) await manager.query(`SELECT pg_notify($1, '')`, [OUTBOX_CHANNEL]);
    return id;
  }
}
