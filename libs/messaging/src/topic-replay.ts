import { Injectable, Logger } from '@nestjs/common';
import { eventDefinition, isEventType, payloadProblems, type EventType } from '@relais/contracts';
import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { parseCloudEvent, sourceOf } from './cloudevents';
import type { EventContext } from './handles-event.decorator';
import { HandlerRegistry } from './handler-registry';
import { KafkaConnection } from './kafka-connection';
import type { TopicNames } from './topic-names';

/** Records applied in one call of the caller's `apply` (one transaction, in the rebuild). */
const REPLAY_RUN = 4_000;
/**
 * Fetch sizes of a replay: kafkajs' default of 1 MB per partition is ~550 records of ours (CloudEvents headers and
 * a JSON payload, ~1.8 kB), so runs of ~550 whatever REPLAY_RUN says; 8 MB lets a fetch fill a run. A replay reads
 * from the beginning: waiting for a fuller fetch costs nothing until it has caught up.
 */
const REPLAY_FETCH = { maxBytesPerPartition: 8 * 1024 * 1024, maxBytes: 32 * 1024 * 1024, minBytes: 1, maxWaitTimeInMs: 500 };
/** Heartbeats while a run is applied, well inside the session timeout. */
const HEARTBEAT_MS = 3_000;

/** One event of a replay, checked as the live consumer checks it, with its handlers bound. */
export interface ReplayedEvent {
  context: EventContext;
  payload: unknown;
  /** Calls every handler of the event's type, in registration order. */
  apply(): Promise<void>;
}

/** Kafka positions: `topic:partition` → the next offset (a high watermark, or how far a replay has read). */
export type Positions = Map<string, bigint>;

/** What a replay has read against where the topics ended when it was asked. */
export interface ReplayProgress {
  read: bigint;
  total: bigint;
}

/** Records that cannot be applied (not a CloudEvent, forged, invalid payload): counted and left out, as the live consumer dead-letters them. */
export type ReplaySkip = (reason: string) => void;

/**
 * Why a record read in a replay is not an event to apply, or the event: the same checks as the live
 * consumer (MessageProcessor.check), without retry topics or dead letters — a replay only reads.
 */
export function replayedEvent(topics: TopicNames, registry: HandlerRegistry, topic: string, partition: number, message: KafkaMessage): ReplayedEvent | { skipped: string } | null {
  const location = topics.catalogTopicOf(topic);
  if (!location || location.kind !== 'main') return { skipped: `record from ${topic}, not a catalog topic` };
  const parsed = parseCloudEvent(message.headers);
  if (!parsed.ok) return { skipped: `not a CloudEvent: ${parsed.problems.join('; ')}` };
  const { type, source } = parsed.event;
  // A type of a newer publisher: the live consumer skips it too.
  if (!isEventType(type)) return null;
  const definition = eventDefinition(type);
  if (definition.topic !== location.topic || source !== sourceOf(definition.publisher)) return { skipped: `forged ${type} from ${source} on ${location.topic}` };
  const handlers = registry.handlersOf(type);
  if (handlers.length === 0) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(message.value?.toString('utf8') ?? 'null');
  } catch {
    return { skipped: `value of ${type} ${parsed.event.id} is not JSON` };
  }
  const problems = payloadProblems(type, payload);
  if (problems.length > 0) return { skipped: `payload of ${type} ${parsed.event.id} does not match its schema: ${problems.join('; ')}` };
  const context: EventContext = {
    id: parsed.event.id,
    type: type satisfies EventType,
    source,
    subject: parsed.event.subject,
    time: parsed.event.time,
    topic: location.topic,
    partition,
    offset: message.offset,
    attempt: 1,
    ...(parsed.event.traceparent ? { traceparent: parsed.event.traceparent } : {}),
  };
  return {
    context,
    payload,
    apply: async () => {
      for (const handler of handlers) await handler.invoke(payload, context);
    },
  };
}

/**
 * A replay of the catalog topics the service's handlers consume, from the beginning, in a consumer group
 * of its own (`<prefix>relais-<service>.replay.<name>`, TopicNames.replayGroupId): the live group's
 * offsets are untouched, so the service keeps consuming while a projection is rebuilt beside it.
 * Batches go to `apply` in partition order (partitions one at a time: the caller writes one transaction
 * per batch and needs no lock against itself); an offset is committed only after its batch was applied.
 * The caller decides when it has caught up: `position()` against `endOffsets()`.
 */
@Injectable()
export class TopicReplay {
  private readonly logger = new Logger('TopicReplay');
  private consumer: Consumer | undefined;
  private readonly read: Positions = new Map();
  private skippedCount = 0;

  constructor(
    private readonly connection: KafkaConnection,
    private readonly registry: HandlerRegistry,
  ) {}

  /** The Kafka names of the catalog topics of the handled types, or of those of `only` among them. */
  topics(only?: readonly string[]): string[] {
    this.registry.discover();
    return this.registry
      .consumedTopics()
      .filter((topic) => only === undefined || only.includes(topic))
      .map((topic) => this.connection.topics.main(topic));
  }

  /** Where each partition of the replayed topics (or of `only` among them) ends now: its high watermark. */
  async endOffsets(only?: readonly string[]): Promise<Positions> {
    const admin = await this.connection.connectedAdmin();
    const ends: Positions = new Map();
    for (const topic of this.topics(only)) {
      for (const { partition, high } of await admin.fetchTopicOffsets(topic)) ends.set(`${topic}:${partition}`, BigInt(high));
    }
    return ends;
  }

  /** How far the replay has read, against `ends` (a partition it has not reached yet counts from 0, an empty one as read). */
  progress(ends: Positions): ReplayProgress {
    let read = 0n;
    let total = 0n;
    for (const [key, end] of ends) {
      total += end;
      const at = this.read.get(key) ?? 0n;
      read += at < end ? at : end;
    }
    return { read, total };
  }

  caughtUp(ends: Positions): boolean {
    const { read, total } = this.progress(ends);
    return read >= total;
  }

  /** How far the replay has read: the next offset of each partition it read from. */
  positions(): Positions {
    return new Map(this.read);
  }

  /**
   * Whether the service's live group has committed offsets at or past `positions` on every partition: what the
   * replay applied, the live consumer has reached too (until then, it must skip what the replay applied first).
   */
  async liveGroupPassed(positions: Positions): Promise<boolean> {
    const admin = await this.connection.connectedAdmin();
    const topics = [...new Set([...positions.keys()].map((key) => key.slice(0, key.lastIndexOf(':'))))];
    if (topics.length === 0) return true;
    const committed: Positions = new Map();
    for (const { topic, partitions } of await admin.fetchOffsets({ groupId: this.connection.topics.groupId(), topics })) {
      for (const { partition, offset } of partitions) committed.set(`${topic}:${partition}`, BigInt(offset));
    }
    return [...positions].every(([key, at]) => (committed.get(key) ?? -1n) >= at);
  }

  /** Records left out (not CloudEvents, forged, invalid payloads). */
  get skipped(): number {
    return this.skippedCount;
  }

  /**
   * Joins group `name` from the beginning of every topic (or of the catalog topics `only`: e.g. the read models
   * another service's snapshots feed, before the events that need them) and applies what it reads until `stop()`.
   */
  async start(name: string, apply: (events: ReplayedEvent[]) => Promise<void>, only?: readonly string[]): Promise<void> {
    if (this.consumer) throw new Error('TopicReplay: already started');
    const topics = this.topics(only);
    this.read.clear();
    const consumer = this.connection.createConsumer(this.connection.topics.replayGroupId(name), REPLAY_FETCH);
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: 1,
      autoCommit: true,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.onBatch(payload, apply),
    });
  }

  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect();
  }

  /**
   * A fetched batch in runs of at most REPLAY_RUN records, each applied then resolved, heartbeating while it is
   * applied: a fetch can hold thousands of records, longer to apply than the session lasts on a loaded machine.
   */
  private async onBatch(payload: EachBatchPayload, apply: (events: ReplayedEvent[]) => Promise<void>): Promise<void> {
    const { batch } = payload;
    for (let start = 0; start < batch.messages.length; start += REPLAY_RUN) {
      if (!payload.isRunning() || payload.isStale()) return;
      const run = batch.messages.slice(start, start + REPLAY_RUN);
      const events: ReplayedEvent[] = [];
      for (const message of run) {
        const read = replayedEvent(this.connection.topics, this.registry, batch.topic, batch.partition, message);
        if (read === null) continue;
        if ('skipped' in read) {
          this.skippedCount++;
          this.logger.warn(`left out of the replay: ${read.skipped}`);
          continue;
        }
        events.push(read);
      }
      const timer = setInterval(() => void payload.heartbeat().catch(() => undefined), HEARTBEAT_MS);
      try {
        await apply(events);
      } finally {
        clearInterval(timer);
      }
      const last = run[run.length - 1];
      if (!last) return;
      payload.resolveOffset(last.offset);
      this.read.set(`${batch.topic}:${batch.partition}`, BigInt(last.offset) + 1n);
      await payload.heartbeat();
    }
  }
}
