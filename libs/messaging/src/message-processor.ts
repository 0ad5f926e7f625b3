import { Inject, Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { context as otelContext, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { isEventType, payloadProblems, type EventType } from '@relais/contracts';
import { parseCloudEvent, type CloudEventAttributes, type RawHeaders } from './cloudevents';
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
import { KafkaConnection } from './kafka-connection';
import { RESOLVED_MESSAGING_OPTIONS, type ResolvedMessagingOptions } from './messaging-options';
import { contextFromTraceparent } from './trace-context';

/** A record as the consumer received it. */
export interface IncomingRecord {
  /** Kafka name of the topic (prefixed; a catalog topic or this service's retry topic). */
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: RawHeaders | undefined;
}

export type ProcessingOutcome = 'handled' | 'duplicate' | 'skipped' | 'retried' | 'dead-lettered';

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
  origin: RecordOrigin;
}

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
 */
@Injectable()
export class MessageProcessor {
  private readonly logger = new Logger('EventConsumer');
  private readonly tracer = trace.getTracer('@relais/messaging');

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly registry: HandlerRegistry,
    private readonly producer: DirectProducer,
    private readonly connection: KafkaConnection,
    @Inject(RESOLVED_MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
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
      onSettled(outcomes.length, outcome);
      outcomes.push(outcome);
    };
    let run: Applicable[] = [];
    const applyPending = async (): Promise<void> => {
      const pending = run;
      run = [];
      await this.applyRun(pending, settle);
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
    return outcomes;
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
    const { type } = parsed.event;
    if (!isEventType(type)) return deadLetter('unknown-type', new Error(`unknown event type ${type}: not in the event catalog`));
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
    return { kind: 'apply', item: { record, event, payload, context, handlers, topic: location.topic, origin } };
  }

  /** Applies a run of valid records in one transaction, isolating a failing one (see the class comment). */
  private async applyRun(items: Applicable[], settle: (outcome: ProcessingOutcome) => void): Promise<void> {
    if (items.length === 0) return;
    const spans: Span[] = [];
    // Which record's handlers were running; -1 outside them (inbox insert, commit).
    let running = -1;
    let fresh: boolean[];
    try {
      fresh = await this.txHost.withTransaction(async () => {
        const isNew = await this.recordInInbox(items);
        for (const [index, item] of items.entries()) {
          if (!isNew[index]) continue;
          running = index;
          await this.runHandlers(item, items.length, spans);
        }
        running = -1;
        return isNew;
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
          settle(await this.routeFailed(items[0], error));
          return;
        }
        for (const item of items) await this.applyRun([item], settle);
        return;
      }
      await this.applyRun(items.slice(0, running), settle);
      settle(await this.routeFailed(failed, error));
      await this.applyRun(items.slice(running + 1), settle);
      return;
    }
    for (const span of spans) span.end();
    for (const isNew of fresh) settle(isNew ? 'handled' : 'duplicate');
  }

  /**
   * The run's inbox rows in one statement; true for each record whose event this consumer had not
   * seen. An event present twice in the run (a relay that sent it again) counts at its first place.
   */
  private async recordInInbox(items: Applicable[]): Promise<boolean[]> {
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
      for (const handler of item.handlers) await handler.invoke(item.payload, context);
    });
  }

  /** After a handler failed: the retry topic with the next attempt, or the dead-letter topic. */
  private async routeFailed(item: Applicable, error: unknown): Promise<ProcessingOutcome> {
    const { event, context, record, origin, topic } = item;
    const route = routeFailure(error, context.attempt, this.options.consumer.retryDelaysMs, Date.now());
    if (route.kind === 'dead-letter') return this.deadLetter(topic, record, origin, route.reason, context.attempt, error);
    this.logger.warn(`${event.type} ${event.id} failed on attempt ${context.attempt}, retry at ${new Date(route.notBefore).toISOString()}: ${errorText(error)}`);
    await this.producer.send(this.connection.topics.retry(topic), {
      key: record.key,
      value: record.value,
      headers: retryHeaders(record.headers, origin, this.options.service, route, error),
    });
    return 'retried';
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
