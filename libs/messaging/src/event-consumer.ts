import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { notBeforeOf } from './failure-routing';
import { HandlerRegistry } from './handler-registry';
import { KafkaConnection } from './kafka-connection';
import { MessageProcessor } from './message-processor';
import { RESOLVED_MESSAGING_OPTIONS, type ResolvedMessagingOptions } from './messaging-options';

/** Heartbeats while a handler runs, well inside the session timeout. */
const HANDLER_HEARTBEAT_MS = 3_000;
const RESTART_DELAY_MS = 5_000;
/** Tries of a start that fails on a retriable Kafka error (metadata not yet everywhere on a cluster). */
const START_ATTEMPTS = 6;

/**
 * The service's one kafkajs consumer, in group `<prefix>relais-<service>`, on the catalog topics of
 * its handlers and its own retry topics. Partitions are processed concurrently, each in order, a run
 * of records per transaction (MessageProcessor.processBatch); an offset is resolved only after its
 * record's transaction committed (or after the record was routed to a retry or dead-letter topic),
 * and committed after each batch. A retry that is not yet due pauses its partition until then, so
 * the catalog topics keep flowing. Now and then, keys whose blocking record settled get their parked
 * records applied (MessageProcessor.drainReleased): the drain that follows a settlement may have been
 * cut short by a crash or a rebalance.
 */
@Injectable()
export class EventConsumer {
  private readonly logger = new Logger(EventConsumer.name);
  private consumer: Consumer | undefined;
  private readonly resumeTimers = new Set<NodeJS.Timeout>();
  private restartTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private stopping = false;

  constructor(
    private readonly connection: KafkaConnection,
    private readonly registry: HandlerRegistry,
    private readonly processor: MessageProcessor,
    @Inject(RESOLVED_MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
  ) {}

  /** The Kafka topics subscribed to: catalog topics of the handled types and their retry topics. */
  subscribedTopics(): string[] {
    const names = this.connection.topics;
    return this.registry.consumedTopics().flatMap((topic) => [names.main(topic), names.retry(topic)]);
  }

  /**
   * Joins the group and starts consuming; resolves once the group is joined. Nothing to do without handlers.
   * On a cluster, a topic another service created a moment ago has leaders (TopicProvisioner waits for
   * them) before every broker's metadata lists it: a subscription answered by such a broker fails with a
   * retriable error ("does not host this topic-partition"), so the start is tried again a few times
   * rather than failing the process (infra/test/e2e/kafka-cluster.e2e-spec.ts met it at a fresh start).
   */
  async start(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.startOnce();
        return;
      } catch (error) {
        const retriable = error instanceof Error && 'retriable' in error && error.retriable === true;
        if (!retriable || attempt >= START_ATTEMPTS || this.stopping) throw error;
        this.logger.warn(`joining the group failed (attempt ${attempt} of ${START_ATTEMPTS}), trying again: ${error.message}`);
        await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
      }
    }
  }

  private async startOnce(): Promise<void> {
    const topics = this.subscribedTopics();
    if (topics.length === 0 || this.consumer) return;
    this.stopping = false;
    const consumer = this.connection.createConsumer(this.connection.topics.groupId());
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      // kafkajs restarts by itself after retriable errors only; the others would stop consumption silently.
      if (!payload.restart && !this.stopping) this.scheduleRestart(payload.error);
    });
    try {
      await consumer.connect();
      // A new group reads what the topics still hold: snapshots rebuild read models, the inbox absorbs repeats.
      await consumer.subscribe({ topics, fromBeginning: true });
      await consumer.run({
        partitionsConsumedConcurrently: this.options.consumer.concurrency,
        autoCommit: true,
        eachBatchAutoResolve: false,
        eachBatch: (payload) => this.onBatch(payload),
      });
      this.startSweeping();
    } catch (error) {
      if (this.consumer === consumer) this.consumer = undefined;
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  /** Lets the batches in flight finish, commits their offsets and leaves the group. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    await this.sweeping;
    for (const timer of this.resumeTimers) clearTimeout(timer);
    this.resumeTimers.clear();
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect();
  }

  /** Once at start (what a previous process left), then periodically; never two sweeps at once in a process. */
  private startSweeping(): void {
    if (this.sweepTimer) return;
    const sweep = (): void => {
      if (this.sweeping || this.stopping) return;
      this.sweeping = this.processor
        .drainReleased()
        .catch((error: unknown) => this.logger.warn(`sweep of parked records failed: ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => (this.sweeping = undefined));
    };
    sweep();
    this.sweepTimer = setInterval(sweep, this.options.consumer.parkedSweepMs);
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const isRetryTopic = this.connection.topics.catalogTopicOf(batch.topic)?.kind === 'retry';
    const notYetDue = (message: KafkaMessage): number => (isRetryTopic ? (notBeforeOf(message.headers) ?? 0) - Date.now() : 0);
    const { messages } = batch;
    let next = 0;
    while (next < messages.length) {
      if (!payload.isRunning() || payload.isStale()) return;
      // The next run: records due now, in order, up to the transaction size.
      const run: KafkaMessage[] = [];
      for (let i = next; i < messages.length && run.length < this.options.consumer.batchSize; i++) {
        const message = messages[i];
        if (!message || notYetDue(message) > 0) break;
        run.push(message);
      }
      if (run.length === 0) {
        // Not due yet: unresolved, the record is fetched again once the partition resumes.
        const first = messages[next];
        if (first) this.resumeLater(payload.pause(), notYetDue(first));
        return;
      }
      await this.whileHeartbeating(payload, () =>
        this.processor.processBatch(
          run.map((message) => ({ topic: batch.topic, partition: batch.partition, offset: message.offset, key: message.key, value: message.value, headers: message.headers })),
          // Resolved as each record settles (its transaction committed, or it went to a retry or dead-letter topic).
          (index) => {
            const settled = run[index];
            if (settled) payload.resolveOffset(settled.offset);
          },
        ),
      );
      next += run.length;
      await payload.heartbeat();
    }
  }

  private async whileHeartbeating<T>(payload: EachBatchPayload, work: () => Promise<T>): Promise<T> {
    const timer = setInterval(() => {
      // A rebalance reported here is reported again by the heartbeat after the record, where kafkajs handles it.
      void payload.heartbeat().catch(() => undefined);
    }, HANDLER_HEARTBEAT_MS);
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  }

  private resumeLater(resume: () => void, delayMs: number): void {
    const timer = setTimeout(() => {
      this.resumeTimers.delete(timer);
      if (!this.stopping) resume();
    }, delayMs);
    this.resumeTimers.add(timer);
  }

  private scheduleRestart(error: Error): void {
    this.logger.error(`consumer stopped on a non-retriable error, restarting in ${RESTART_DELAY_MS} ms: ${error.message}`);
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      void this.restart();
    }, RESTART_DELAY_MS);
  }

  private async restart(): Promise<void> {
    if (this.stopping) return;
    const crashed = this.consumer;
    this.consumer = undefined;
    await crashed?.disconnect().catch(() => undefined);
    try {
      await this.start();
    } catch (error) {
      this.scheduleRestart(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
