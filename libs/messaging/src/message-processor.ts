import { Inject, Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { context as otelContext, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { eventDefinition, isEventType, payloadProblems, type EventType } from '@relais/contracts';
import { parseCloudEvent, sourceOf, type CloudEventAttributes } from './cloudevents';
import { DirectProducer } from './direct-producer';
import {
  attemptOf,
  deadLetterHeaders,
  errorText,
  originOf,
  retryHeaders,
  routeFailure,
  type DeadLetterReason,
  type RecordOrigin,
} from './failure-routing';
import type { EventContext } from './handles-event.decorator';
import { HandlerRegistry, type RegisteredHandler } from './handler-registry';
import type { IncomingRecord } from './incoming-record';
import { KafkaConnection } from './kafka-connection';
import { MessagingMetrics } from './messaging-metrics';
import { RESOLVED_MESSAGING_OPTIONS, type ResolvedMessagingOptions } from './messaging-options';
import { ParkedKeys } from './parked-keys';
import { contextFromTraceparent } from './trace-context';

export type { IncomingRecord } from './incoming-record';

/** `parked`: held back behind an earlier record of its key that waits in the retry topic (ADR 0003). */
export type ProcessingOutcome = 'handled' | 'duplicate' | 'skipped' | 'parked' | 'retried' | 'dead-lettered';

/** Told of each record's outcome as soon as it is final, in the order of the records. */
export type OnSettled = (index: number, outcome: ProcessingOutcome) => void;

/** A record that passed the checks: what its handlers need, and where a failure of theirs goes. */
interface Applicable {
  record: IncomingRecord;
  event: CloudEventAttributes & { type: EventType };
  payload: unknown;
  context: EventContext;
  handlers: RegisteredHandler[];
  /** The catalog topic (without prefix), whose retry and dead-letter topics a failure goes to. */
  topic: string;
  /** The record key as text (the aggregate id): the unit of order. Records without a key are never held back. */
  key: string | undefined;
  origin: RecordOrigin;
}

/** Where a record of a run goes: applied, parked behind its key's blocker, or applied as the blocker that releases its key. */
type Placement = 'apply' | 'park' | 'release';

/** A key whose parked records are to be applied once the current records are settled. */
type Released = (topic: string, key: string) => void;

type Checked = { kind: 'apply'; item: Applicable } | { kind: 'settle'; settle: () => Promise<ProcessingOutcome> };

/**
 * What happens to records: CloudEvents headers read, payload checked against its schema, then in
 * one transaction per run of consecutive valid records the inbox rows (event id per consumer) and
 * the handlers' writes. An event seen before changes nothing. A failure goes to the retry topic, or
 * to the dead-letter topic when it cannot succeed; either way the partition moves on.
 *
 * One transaction for a run (one commit, one WAL flush, instead of one per record) keeps per-record
 * semantics: each record has its own inbox row and its own outcome. When a handler fails, the run's
 * transaction is rolled back; the records before it are applied again in a new transaction (their
 * first effects were rolled back with it: each is applied once), the failing one is routed with the
 * error it raised (its handlers are not called twice for one delivery), and the rest goes on as a
 * run. When the inbox insert or the commit fails, no record is to blame: each is applied alone.
 *
 * Order per key survives retries (ADR 0003): a record sent to the retry topic blocks its key, and the
 * later records of that key are parked in the database, in order, instead of being applied before it.
 * When the blocker settles (applied, seen before, or given up as a dead letter) the key is released in
 * the same transaction, and its parked records are applied in order, each in its own transaction; one
 * that fails transiently becomes the key's new blocker.
 *
 * Trust: an event is applied only if its `ce_source` is the catalog's publisher of its type and it came
 * from its type's topic (the broker's ACLs let only the publisher write there); otherwise it is
 * dead-lettered as forged. A type this catalog does not know (a newer publisher's, during a rolling
 * deploy) is skipped with one warning per type.
 */
@Injectable()
export class MessageProcessor {
  private readonly logger = new Logger('EventConsumer');
  private readonly tracer = trace.getTracer('@relais/messaging');
  /** Unknown types already warned about: a rolling deploy can bring thousands of them, one line each is enough. */
  private readonly unknownTypes = new Set<string>();

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly registry: HandlerRegistry,
    private readonly producer: DirectProducer,
    private readonly connection: KafkaConnection,
    private readonly parking: ParkedKeys,
    @Inject(RESOLVED_MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
    private readonly metrics: MessagingMetrics,
  ) {}

  /** One record, in a transaction of its own. */
  async process(record: IncomingRecord): Promise<ProcessingOutcome> {
    const [outcome] = await this.processBatch([record]);
    if (!outcome) throw new Error(`no outcome for ${record.topic}[${record.partition}]@${record.offset}`);
    return outcome;
  }

  /**
   * Records of one partition, in order. Resolves once every record is settled (`onSettled` hears of
   * each as soon as it is); rejects when the database does not answer, or a record could not be
   * routed to its retry or dead-letter topic: the records not settled by then are to be read again.
   */
  async processBatch(records: IncomingRecord[], onSettled: OnSettled = () => undefined): Promise<ProcessingOutcome[]> {
    const outcomes: ProcessingOutcome[] = [];
    const settle = (outcome: ProcessingOutcome): void => {
      const record = records[outcomes.length];
      if (record) this.metrics.recordOutcome(record.topic, outcome);
      onSettled(outcomes.length, outcome);
      outcomes.push(outcome);
    };
    const released = new Map<string, { topic: string; key: string }>();
    const onReleased: Released = (topic, key) => released.set(`${topic}\u0000${key}`, { topic, key });
    let run: Applicable[] = [];
    const applyPending = async (): Promise<void> => {
      const pending = run;
      run = [];
      await this.applyRun(pending, settle, onReleased);
    };
    for (const record of records) {
      const checked = this.check(record);
      if (checked.kind === 'apply') {
        run.push(checked.item);
        continue;
      }
      // A record that settles without a transaction waits for the run before it: outcomes stay in order.
      await applyPending();
      settle(await checked.settle());
    }
    await applyPending();
    // Once this batch's records are settled, the keys they released catch up on what was parked behind them.
    for (const { topic, key } of released.values()) await this.drainSafely(topic, key);
    return outcomes;
  }

  /**
   * Applies the records parked behind keys whose blocker settled without a drain that finished (a crash
   * or a rebalance in between), and releases keys blocked longer than a retry can wait. Called now and
   * then by the consumer; several replicas may call it at once (the key's lock orders them).
   */
  async drainReleased(): Promise<void> {
    const { released, expired } = await this.parking.releasedKeys();
    for (const { topic, key, blocker } of expired) {
      this.logger.error(`key ${key} of ${topic} was blocked by ${blocker} longer than a retry can wait: released, its parked records are applied without it`);
    }
    for (const { topic, key } of released) await this.drainSafely(topic, key);
  }

  private async drainSafely(topic: string, key: string): Promise<void> {
    try {
      await this.drain(topic, key);
    } catch (error) {
      this.logger.warn(`records parked behind key ${key} of ${topic} not all applied yet, next sweep goes on: ${errorText(error)}`);
    }
  }

  /**
   * Applies the records parked behind a released key, oldest first, one transaction each (holding the
   * key's lock, so records of the key arriving meanwhile are parked behind them). Stops when none is
   * left (the key flows again) or when one fails transiently: it goes to the retry topic and becomes
   * the key's blocker, the rest stay parked behind it.
   */
  private async drain(topic: string, key: string): Promise<void> {
    for (;;) {
      const step = await this.txHost.withTransaction(() => this.drainStep(topic, key));
      if (step === 'done') return;
    }
  }

  private async drainStep(topic: string, key: string): Promise<'next' | 'done'> {
    const state = await this.parking.lockForDrain(topic, key);
    if (!state || state.blocker !== null) return 'done';
    const parked = await this.parking.takeNext(topic, key);
    if (!parked) {
      await this.parking.unblock(topic, key);
      return 'done';
    }
    const checked = this.check(parked.record);
    if (checked.kind === 'settle') {
      await checked.settle();
      return 'next';
    }
    const item = checked.item;
    const spans: Span[] = [];
    // The handlers' writes go back with a savepoint if they fail; the key's lock and the parked record's removal stay.
    await this.txHost.tx.query('SAVEPOINT relais_parked_record');
    try {
      const [isNew] = await this.recordInInbox([item]);
      if (isNew) await this.runHandlers(item, 1, spans);
      await this.txHost.tx.query('RELEASE SAVEPOINT relais_parked_record');
      return 'next';
    } catch (error) {
      for (const span of spans) {
        span.recordException(error instanceof Error ? error : new Error(String(error)));
        span.setStatus({ code: SpanStatusCode.ERROR, message: errorText(error) });
      }
      await this.txHost.tx.query('ROLLBACK TO SAVEPOINT relais_parked_record');
      const route = routeFailure(error, item.context.attempt, this.options.consumer.retryDelaysMs, Date.now());
      if (route.kind === 'dead-letter') {
        await this.deadLetter(item.topic, item.record, item.origin, route.reason, item.context.attempt, error);
        return 'next';
      }
      await this.sendToRetry(item, route, error);
      // Sent before this commits: a crash in between applies the record again from the table, and its
      // retry later is a duplicate. The other way round, a crash could lose it.
      await this.parking.block(topic, key, item.event.id);
      return 'done';
    } finally {
      for (const span of spans) span.end();
    }
  }

  /** Everything that can be decided before a transaction: not ours, not an event, not handled here, invalid. */
  private check(record: IncomingRecord): Checked {
    const location = this.connection.topics.catalogTopicOf(record.topic);
    if (!location || location.kind === 'dead-letter') {
      const error = new Error(`record from ${record.topic}, which this consumer does not subscribe to`);
      return { kind: 'settle', settle: () => Promise.reject(error) };
    }
    const isRetry = location.kind === 'retry';
    const here: RecordOrigin = { topic: record.topic, partition: record.partition, offset: record.offset };
    const origin = isRetry ? originOf(record.headers, here) : here;
    const attempt = isRetry ? attemptOf(record.headers) : 1;
    const deadLetter = (reason: DeadLetterReason, error: Error): Checked => ({
      kind: 'settle',
      settle: () => this.deadLetter(location.topic, record, origin, reason, attempt, error),
    });

    const parsed = parseCloudEvent(record.headers);
    if (!parsed.ok) return deadLetter('not-a-cloudevent', new Error(`not a CloudEvent: ${parsed.problems.join('; ')}`));
    const { type, source } = parsed.event;
    if (!isEventType(type)) return { kind: 'settle', settle: () => Promise.resolve(this.skipUnknown(type, location.topic)) };
    const definition = eventDefinition(type);
    // The broker lets only the publisher write its topics: a type out of its topic, or a source that is
    // not the type's publisher, is someone else's record dressed up as another's.
    if (definition.topic !== location.topic) return deadLetter('forged', new Error(`${type} is published on ${definition.topic}, not on ${location.topic}`));
    if (source !== sourceOf(definition.publisher)) {
      return deadLetter('forged', new Error(`ce_source ${source} is not the publisher of ${type} (${sourceOf(definition.publisher)})`));
    }
    const event = { ...parsed.event, type };
    const handlers = this.registry.handlersOf(event.type);
    // Topics carry several types; those this service does not handle just move the offset on.
    if (handlers.length === 0) return { kind: 'settle', settle: () => Promise.resolve('skipped') };

    let payload: unknown;
    try {
      payload = JSON.parse(record.value?.toString('utf8') ?? 'null');
    } catch (error) {
      return deadLetter('invalid-payload', new Error(`value of ${event.type} ${event.id} is not JSON: ${errorText(error)}`));
    }
    const problems = payloadProblems(event.type, payload);
    if (problems.length > 0) return deadLetter('invalid-payload', new Error(`payload of ${event.type} ${event.id} does not match its schema: ${problems.join('; ')}`));

    const context: EventContext = {
      id: event.id,
      type: event.type,
      source: event.source,
      subject: event.subject,
      time: event.time,
      topic: location.topic,
      partition: origin.partition,
      offset: origin.offset,
      attempt,
      ...(event.traceparent ? { traceparent: event.traceparent } : {}),
    };
    return { kind: 'apply', item: { record, event, payload, context, handlers, topic: location.topic, key: record.key?.toString('utf8'), origin } };
  }

  private skipUnknown(type: string, topic: string): ProcessingOutcome {
    if (!this.unknownTypes.has(type)) {
      this.unknownTypes.add(type);
      this.logger.warn(`skipping ${type} on ${topic}: not in this service's event catalog (a newer publisher during a rolling deploy?); further ones are skipped silently`);
    }
    return 'skipped';
  }

  /** Applies a run of valid records in one transaction, isolating a failing one (see the class comment). */
  private async applyRun(items: Applicable[], settle: (outcome: ProcessingOutcome) => void, onReleased: Released): Promise<void> {
    if (items.length === 0) return;
    const spans: Span[] = [];
    // Which record's handlers were running; -1 outside them (inbox insert, commit).
    let running = -1;
    let placed: Array<{ placement: Placement; isNew: boolean }>;
    try {
      placed = await this.txHost.withTransaction(async () => {
        const placements = await this.place(items);
        const applied = items.filter((_, index) => placements[index] !== 'park');
        const fresh = await this.recordInInbox(applied);
        let next = 0;
        const result = items.map((_, index) => {
          const placement = placements[index] ?? 'apply';
          return { placement, isNew: placement === 'park' ? false : (fresh[next++] ?? false) };
        });
        for (const [index, item] of items.entries()) {
          if (!result[index]?.isNew) continue;
          running = index;
          await this.runHandlers(item, items.length, spans);
        }
        running = -1;
        return result;
      });
    } catch (error) {
      const failing = running >= 0 ? spans[spans.length - 1] : undefined;
      failing?.recordException(error instanceof Error ? error : new Error(String(error)));
      failing?.setStatus({ code: SpanStatusCode.ERROR, message: errorText(error) });
      for (const span of spans) span.end();
      // With the database away every event would fail: that is no reason to give up on these.
      // Thrown, the batch stops here and kafkajs fetches it again later, from the first unsettled record.
      const blamed = items[Math.max(running, 0)]?.event;
      if (!(await this.databaseAnswers())) throw new Error(`database unavailable while handling ${blamed?.type} ${blamed?.id}: ${errorText(error)}`);
      const failed = items[running];
      if (!failed) {
        if (items.length === 1 && items[0]) {
          settle(await this.routeFailed(items[0], error, onReleased));
          return;
        }
        for (const item of items) await this.applyRun([item], settle, onReleased);
        return;
      }
      await this.applyRun(items.slice(0, running), settle, onReleased);
      settle(await this.routeFailed(failed, error, onReleased));
      await this.applyRun(items.slice(running + 1), settle, onReleased);
      return;
    }
    for (const span of spans) span.end();
    for (const [index, { placement, isNew }] of placed.entries()) {
      settle(placement === 'park' ? 'parked' : isNew ? 'handled' : 'duplicate');
      const item = items[index];
      if (placement === 'release' && item?.key !== undefined) onReleased(item.topic, item.key);
    }
  }

  /**
   * Inside the run's transaction, before any handler (park rows are always locked before business rows):
   * the records of blocked or draining keys are parked; the blocker of its key, back from the retry
   * topic, releases the key and is applied; the others are applied.
   */
  private async place(items: Applicable[]): Promise<Placement[]> {
    const keysByTopic = new Map<string, Set<string>>();
    for (const item of items) {
      if (item.key === undefined) continue;
      const keys = keysByTopic.get(item.topic) ?? new Set<string>();
      keys.add(item.key);
      keysByTopic.set(item.topic, keys);
    }
    const states = new Map<string, { blocker: string | null }>();
    for (const [topic, keys] of keysByTopic) {
      for (const [key, state] of await this.parking.lockKeys(topic, [...keys])) states.set(`${topic}\u0000${key}`, state);
    }
    const placements: Placement[] = [];
    for (const item of items) {
      const state = item.key === undefined ? undefined : states.get(`${item.topic}\u0000${item.key}`);
      if (!state || item.key === undefined) {
        placements.push('apply');
      } else if (state.blocker === item.event.id) {
        await this.parking.release(item.topic, item.key, item.event.id);
        // Later records of the key, in this run too, go behind the ones already parked.
        state.blocker = null;
        placements.push('release');
      } else {
        await this.parking.park(item.topic, item.key, item.event.id, item.record);
        placements.push('park');
      }
    }
    return placements;
  }

  /**
   * The run's inbox rows in one statement; true for each record whose event this consumer had not
   * seen. An event present twice in the run (a relay that sent it again) counts at its first place.
   */
  private async recordInInbox(items: Applicable[]): Promise<boolean[]> {
    if (items.length === 0) return [];
    const inserted = await this.txHost.tx.query<Array<{ event_id: string }>>(
      `INSERT INTO messaging_inbox (consumer, event_id, type)
       SELECT $1, e.event_id, e.type FROM unnest($2::text[], $3::text[]) AS e(event_id, type)
       ON CONFLICT DO NOTHING RETURNING event_id`,
      [this.options.service, items.map((item) => item.event.id), items.map((item) => item.event.type)],
    );
    const unseen = new Set(inserted.map((row) => row.event_id));
    return items.map((item) => unseen.delete(item.event.id));
  }

  /** The record's handlers, inside the run's transaction, under a span that continues the publication's trace. */
  private async runHandlers(item: Applicable, runLength: number, spans: Span[]): Promise<void> {
    const { event, context } = item;
    const parent = contextFromTraceparent(event.traceparent);
    const span = this.tracer.startSpan(
      `process ${context.topic}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.destination.name': context.topic,
          'messaging.message.id': event.id,
          'messaging.kafka.offset': Number(context.offset),
          'messaging.batch.message_count': runLength,
          'relais.event.type': event.type,
          'relais.attempt': context.attempt,
        },
      },
      parent,
    );
    spans.push(span);
    // The handler's spans and logs carry the publication's trace id; the transaction is the run's.
    await otelContext.with(trace.setSpan(parent, span), async () => {
      // At debug level, one line per event handled: with the publication's trace id, it ties this
      // service's log to the request that wrote the event (docs/operations.md, traces).
      this.logger.debug(`handling ${event.type} ${event.id} (${context.topic}, offset ${context.offset}, attempt ${context.attempt})`);
      for (const handler of item.handlers) await handler.invoke(item.payload, context);
    });
  }

  /**
   * After a handler failed: the retry topic with the next attempt, its key blocked behind it; or the
   * dead-letter topic, which releases the key if this record was what blocked it.
   */
  private async routeFailed(item: Applicable, error: unknown, onReleased: Released): Promise<ProcessingOutcome> {
    const { event, context, record, origin, topic, key } = item;
    const route = routeFailure(error, context.attempt, this.options.consumer.retryDelaysMs, Date.now());
    if (route.kind === 'dead-letter') {
      const outcome = await this.deadLetter(topic, record, origin, route.reason, context.attempt, error);
      if (key !== undefined && (await this.parking.release(topic, key, event.id))) onReleased(topic, key);
      return outcome;
    }
    // Blocked before the record leaves: if the send fails, the record is read again and, as the
    // blocker, applied; the other way round, a later record of the key could slip past it.
    if (key !== undefined) await this.parking.block(topic, key, event.id);
    await this.sendToRetry(item, route, error);
    return 'retried';
  }

  private async sendToRetry(item: Applicable, route: { attempt: number; notBefore: number }, error: unknown): Promise<void> {
    const { event, context, record, origin, topic } = item;
    this.logger.warn(`${event.type} ${event.id} failed on attempt ${context.attempt}, retry at ${new Date(route.notBefore).toISOString()}: ${errorText(error)}`);
    await this.producer.send(this.connection.topics.retry(topic), {
      key: record.key,
      value: record.value,
      headers: retryHeaders(record.headers, origin, this.options.service, route, error),
    });
  }

  private async databaseAnswers(): Promise<boolean> {
    try {
      // Outside the (rolled back) transaction: the adapter's own manager, straight from the pool.
      await this.txHost.withoutTransaction(() => this.txHost.tx.query('SELECT 1'));
      return true;
    } catch {
      return false;
    }
  }

  private async deadLetter(
    topic: string,
    record: IncomingRecord,
    origin: RecordOrigin,
    reason: DeadLetterReason,
    attempts: number,
    error: unknown,
  ): Promise<ProcessingOutcome> {
    this.logger.error(`dead letter (${reason}) from ${origin.topic}[${origin.partition}]@${origin.offset} after ${attempts} attempt(s): ${errorText(error)}`);
    await this.producer.send(this.connection.topics.deadLetter(topic), {
      key: record.key,
      value: record.value,
      headers: deadLetterHeaders(record.headers, origin, this.options.service, { reason, attempts, error, at: Date.now() }),
    });
    return 'dead-lettered';
  }
}
