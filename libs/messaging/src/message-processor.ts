import { Inject, Injectable, Logger } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { context as otelContext, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
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

/**
 * What happens to one record: CloudEvents headers read, payload checked against its schema, then in
 * one transaction the inbox row (event id per consumer) and the handlers' writes. An event seen
 * before changes nothing. A failure goes to the retry topic, or to the dead-letter topic when it
 * cannot succeed; either way the partition moves on.
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

  async process(record: IncomingRecord): Promise<ProcessingOutcome> {
    const location = this.connection.topics.catalogTopicOf(record.topic);
    if (!location || location.kind === 'dead-letter') throw new Error(`record from ${record.topic}, which this consumer does not subscribe to`);
    const isRetry = location.kind === 'retry';
    const here: RecordOrigin = { topic: record.topic, partition: record.partition, offset: record.offset };
    const origin = isRetry ? originOf(record.headers, here) : here;
    const attempt = isRetry ? attemptOf(record.headers) : 1;
    const deadLetter = (reason: DeadLetterReason, error: unknown) => this.deadLetter(location.topic, record, origin, reason, attempt, error);

    const parsed = parseCloudEvent(record.headers);
    if (!parsed.ok) return deadLetter('not-a-cloudevent', new Error(`not a CloudEvent: ${parsed.problems.join('; ')}`));
    const { type } = parsed.event;
    if (!isEventType(type)) return deadLetter('unknown-type', new Error(`unknown event type ${type}: not in the event catalog`));
    const event = { ...parsed.event, type };
    const handlers = this.registry.handlersOf(event.type);
    // Topics carry several types; those this service does not handle just move the offset on.
    if (handlers.length === 0) return 'skipped';

    let payload: unknown;
    try {
      payload = JSON.parse(record.value?.toString('utf8') ?? 'null');
    } catch (error) {
      return deadLetter('invalid-payload', new Error(`value of ${event.type} ${event.id} is not JSON: ${errorText(error)}`));
    }
    const problems = payloadProblems(event.type, payload);
    if (problems.length > 0) return deadLetter('invalid-payload', new Error(`payload of ${event.type} ${event.id} does not match its schema: ${problems.join('; ')}`));

    const eventContext: EventContext = {
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
    try {
      return (await this.apply(event, payload, eventContext, handlers)) ? 'handled' : 'duplicate';
    } catch (error) {
      // With the database away every event would fail: that is no reason to give up on this one.
      // Thrown, the batch stops here and kafkajs fetches it again later, from this record.
      if (!(await this.databaseAnswers())) throw new Error(`database unavailable while handling ${event.type} ${event.id}: ${errorText(error)}`);
      const route = routeFailure(error, attempt, this.options.consumer.retryDelaysMs, Date.now());
      if (route.kind === 'dead-letter') return deadLetter(route.reason, error);
      this.logger.warn(`${event.type} ${event.id} failed on attempt ${attempt}, retry at ${new Date(route.notBefore).toISOString()}: ${errorText(error)}`);
      await this.producer.send(this.connection.topics.retry(location.topic), {
        key: record.key,
        value: record.value,
        headers: retryHeaders(record.headers, origin, this.options.service, route, error),
      });
      return 'retried';
    }
  }

  /** Runs the handlers once per event id; false when the inbox already had it. */
  private async apply(event: CloudEventAttributes & { type: EventType }, payload: unknown, eventContext: EventContext, handlers: RegisteredHandler[]): Promise<boolean> {
    // The publication's trace continues here: the handler's spans and logs carry its trace id.
    const parent = contextFromTraceparent(event.traceparent);
    const span = this.tracer.startSpan(
      `process ${eventContext.topic}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.destination.name': eventContext.topic,
          'messaging.message.id': event.id,
          'messaging.kafka.offset': Number(eventContext.offset),
          'relais.event.type': event.type,
          'relais.attempt': eventContext.attempt,
        },
      },
      parent,
    );
    return otelContext.with(trace.setSpan(parent, span), async () => {
      try {
        return await this.txHost.withTransaction(async () => {
          const inserted = await this.txHost.tx.query<unknown[]>(
            `INSERT INTO messaging_inbox (consumer, event_id, type) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING event_id`,
            [this.options.service, event.id, event.type],
          );
          if (inserted.length === 0) return false;
          for (const handler of handlers) await handler.invoke(payload, eventContext);
          return true;
        });
      } catch (error) {
        span.recordException(error instanceof Error ? error : new Error(String(error)));
        span.setStatus({ code: SpanStatusCode.ERROR, message: errorText(error) });
        throw error;
      } finally {
        span.end();
      }
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
