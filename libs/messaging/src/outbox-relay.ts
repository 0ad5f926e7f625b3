import { Inject, Injectable, Logger } from '@nestjs/common';
import { SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { Message, Producer } from 'kafkajs';
import type { QueryResult } from 'pg';
import { DataSource } from 'typeorm';
import { cloudEventHeaders, sourceOf } from './cloudevents';
import { KafkaConnection } from './kafka-connection';
import { RESOLVED_MESSAGING_OPTIONS, type ResolvedMessagingOptions } from './messaging-options';
import type { OutboxRow } from './messaging-tables';
import { pgClientConfig, RelayLeadership } from './relay-leadership';
import { contextFromTraceparent, traceparentOf } from './trace-context';
import { pause, Wakeup } from './wakeup';

const MAX_BACKOFF_MS = 10_000;

/**
 * Sends the outbox to Kafka. One replica per service database relays (the holder of an advisory
 * lock); the others try again now and then, so one takes over when the leader dies. The leader wakes
 * when a transaction of its own process that wrote events commits (OutboxSignal), on NOTIFY from the
 * other replicas, and polls as a safety net; per batch it claims the oldest unsent rows, sends them
 * with the idempotent producer, and marks them sent in the same transaction. A crash between send and
 * mark sends them again: consumers deduplicate by event id. Deleting sent rows is OutboxPruning's job.
 */
@Injectable()
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly tracer = trace.getTracer('@relais/messaging');
  private readonly wakeup = new Wakeup();
  private readonly leadership: RelayLeadership;
  private stopController = new AbortController();
  private running: Promise<void> | undefined;
  private producer: Producer | undefined;

  constructor(
    dataSource: DataSource,
    private readonly connection: KafkaConnection,
    @Inject(RESOLVED_MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
  ) {
    this.leadership = new RelayLeadership(pgClientConfig(dataSource, `relais-${options.service}-outbox-relay`), () => this.wakeup.signal());
  }

  get isLeader(): boolean {
    return this.leadership.isLeader;
  }

  /** Starts competing for leadership in the background; returns at once. */
  start(): void {
    if (this.running) return;
    this.stopController = new AbortController();
    this.running = this.run();
  }

  /** Finishes the batch in flight, then releases the lock, the LISTEN connection and the producer. */
  async stop(): Promise<void> {
    this.stopController.abort();
    this.wakeup.signal();
    await this.running;
    this.running = undefined;
  }

  private get stopping(): boolean {
    return this.stopController.signal.aborted;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let leading = false;
      try {
        leading = await this.leadership.tryLead();
      } catch (error) {
        this.logger.warn(`cannot compete for the relay lock: ${message(error)}`);
        await this.leadership.release();
      }
      if (!leading) {
        await pause(this.options.relay.leaderRetryMs, this.stopController.signal);
        continue;
      }
      await this.lead();
    }
    await this.leadership.release();
    await this.closeProducer();
  }

  private async lead(): Promise<void> {
    let failures = 0;
    while (!this.stopping && this.leadership.isLeader) {
      try {
        const sent = await this.relayBatch();
        failures = 0;
        // A full batch means more may be waiting: go on at once.
        if (sent < this.options.relay.batchSize) await this.wakeup.wait(this.options.relay.pollIntervalMs);
      } catch (error) {
        failures += 1;
        const delay = Math.min(MAX_BACKOFF_MS, 250 * 2 ** Math.min(failures, 6));
        this.logger.warn(`outbox batch not sent (attempt ${failures}), next try in ${delay} ms: ${message(error)}`);
        // A producer that failed may hold a sequence the broker no longer accepts; a new one starts clean.
        await this.closeProducer();
        await pause(delay, this.stopController.signal);
      }
    }
  }

  /** Wakes the relay loop now (a transaction of this process that wrote events has committed). */
  wake(): void {
    this.wakeup.signal();
  }

  /**
   * Claims, sends and marks one batch in one transaction, on the leader's connection; returns how
   * many rows were sent. One statement claims the oldest unsent rows (locked, so a second relay during
   * a failover skips them) and marks them sent; the mark commits only after Kafka acknowledged the
   * batch, and a failed send rolls it back.
   */
  async relayBatch(): Promise<number> {
    const client = this.leadership.connection;
    if (!client) throw new Error('the outbox relay lost its connection');
    try {
      // BEGIN and the claim in one round trip (simple protocol, hence no parameter: the size is a validated integer).
      const results = (await client.query(
        `BEGIN;
         UPDATE messaging_outbox SET sent_at = now()
          WHERE id IN (SELECT id FROM messaging_outbox WHERE sent_at IS NULL ORDER BY id LIMIT ${this.options.relay.batchSize} FOR UPDATE SKIP LOCKED)
          RETURNING id, event_id, type, topic, key, payload, traceparent, event_time`,
      )) as unknown as Array<QueryResult<OutboxRow>>;
      const rows = results[results.length - 1]?.rows ?? [];
      // RETURNING follows no order; per key, Kafka must receive the events in the order they were written.
      rows.sort((a, b) => compareIds(a.id, b.id));
      if (rows.length > 0) await this.send(rows);
      await client.query('COMMIT');
      return rows.length;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  private async send(rows: OutboxRow[]): Promise<void> {
    const producer = await this.connectedProducer();
    const spans: Span[] = [];
    const byTopic = new Map<string, Message[]>();
    for (const row of rows) {
      const topic = this.connection.topics.main(row.topic);
      // The stored context of the publication becomes the parent of the send span.
      const parent = contextFromTraceparent(row.traceparent);
      const span = this.tracer.startSpan(
        `send ${topic}`,
        {
          kind: SpanKind.PRODUCER,
          attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': topic, 'messaging.message.id': row.event_id, 'messaging.kafka.message.key': row.key },
        },
        parent,
      );
      spans.push(span);
      const traceparent = traceparentOf(trace.setSpan(parent, span)) ?? row.traceparent ?? undefined;
      const message: Message = {
        key: row.key,
        value: JSON.stringify(row.payload),
        headers: cloudEventHeaders({
          id: row.event_id,
          source: sourceOf(this.options.service),
          type: row.type,
          time: row.event_time,
          subject: row.key,
          ...(traceparent ? { traceparent } : {}),
        }),
      };
      const messages = byTopic.get(topic) ?? [];
      messages.push(message);
      byTopic.set(topic, messages);
    }
    try {
      await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
    } catch (error) {
      for (const span of spans) span.setStatus({ code: SpanStatusCode.ERROR, message: message(error) });
      throw error;
    } finally {
      for (const span of spans) span.end();
    }
  }

  private async connectedProducer(): Promise<Producer> {
    if (this.producer) return this.producer;
    const producer = this.connection.createProducer();
    await producer.connect();
    this.producer = producer;
    return producer;
  }

  private async closeProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }
}

/** Identities are bigints, read as decimal strings. */
function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
