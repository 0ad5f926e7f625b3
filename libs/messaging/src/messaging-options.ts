export interface MessagingOptions {
  /** Service name: the CloudEvents source, the Kafka client id and the consumer group prefix. */
  service: string;
  brokers: string[];
  /** Prepended to every topic name so tests and départements can share one cluster. */
  topicPrefix?: string;
  consumer?: {
    /** Partitions handled at the same time (kafkajs `partitionsConsumedConcurrently`); order holds within each. */
    concurrency?: number;
    /** Delay before each retry of a transiently failing event; its length is the number of retries. */
    retryDelaysMs?: number[];
    /** Records of one partition applied in one transaction, at most (one commit for them all). */
    batchSize?: number;
  };
  relay?: {
    /** Outbox rows claimed and sent per transaction. */
    batchSize?: number;
    /** Safety-net poll when no NOTIFY arrives (a lost notification never strands an event). */
    pollIntervalMs?: number;
  };
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

/** The options with every default filled in, read once by the providers that need them. */
export interface ResolvedMessagingOptions {
  service: string;
  brokers: string[];
  topicPrefix: string;
  consumer: { concurrency: number; retryDelaysMs: number[]; batchSize: number };
  relay: {
    batchSize: number;
    pollIntervalMs: number;
    /** How often a replica that is not the relay leader tries to become it. */
    leaderRetryMs: number;
    /** Sent outbox rows are kept this long (to investigate), then deleted by the relay. */
    outboxRetentionMs: number;
    /** Inbox rows outlive the 30-day retention of event topics, so any redelivery Kafka can still make is deduplicated. */
    inboxRetentionMs: number;
    housekeepingIntervalMs: number;
  };
}

export const RESOLVED_MESSAGING_OPTIONS = Symbol('RESOLVED_MESSAGING_OPTIONS');

const DAY_MS = 24 * 3600 * 1000;

export function resolveMessagingOptions(options: MessagingOptions): ResolvedMessagingOptions {
  if (!/^[a-z][a-z0-9-]*$/.test(options.service)) {
    throw new Error(`MessagingModule: service "${options.service}" must be a lowercase name (it becomes ce_source, the group id and topic suffixes)`);
  }
  if (options.brokers.length === 0) throw new Error('MessagingModule: brokers is empty');
  const concurrency = options.consumer?.concurrency ?? 3;
  const retryDelaysMs = options.consumer?.retryDelaysMs ?? [1_000, 5_000, 30_000];
  const consumerBatchSize = options.consumer?.batchSize ?? 100;
  const batchSize = options.relay?.batchSize ?? 200;
  const pollIntervalMs = options.relay?.pollIntervalMs ?? 1_000;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`MessagingModule: consumer.concurrency must be a positive integer (got ${concurrency})`);
  if (retryDelaysMs.some((delay) => !Number.isFinite(delay) || delay < 0)) throw new Error('MessagingModule: consumer.retryDelaysMs must hold non-negative numbers');
  if (!Number.isInteger(consumerBatchSize) || consumerBatchSize < 1) throw new Error(`MessagingModule: consumer.batchSize must be a positive integer (got ${consumerBatchSize})`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`MessagingModule: relay.batchSize must be a positive integer (got ${batchSize})`);
  if (!Number.isFinite(pollIntervalMs) || pollIntervalMs < 10) throw new Error(`MessagingModule: relay.pollIntervalMs must be at least 10 ms (got ${pollIntervalMs})`);
  return {
    service: options.service,
    brokers: options.brokers,
    topicPrefix: options.topicPrefix ?? '',
    consumer: { concurrency, retryDelaysMs: [...retryDelaysMs], batchSize: consumerBatchSize },
    relay: {
      batchSize,
      pollIntervalMs,
      leaderRetryMs: Math.max(pollIntervalMs, 3_000),
      outboxRetentionMs: DAY_MS,
      inboxRetentionMs: 35 * DAY_MS,
      housekeepingIntervalMs: 10 * 60_000,
    },
  };
}
