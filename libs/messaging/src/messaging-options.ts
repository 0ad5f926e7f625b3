export interface MessagingOptions {
  /** Service name: the CloudEvents source, the Kafka client id and the consumer group prefix. */
  service: string;
  brokers: string[];
  /** Prepended to every topic name so tests and départements can share one cluster. */
  topicPrefix?: string;
  /**
   * The service's own Kafka principal (SASL/SCRAM-SHA-512): the broker's ACLs let it write only its
   * own topics. Absent for a cluster without authentication.
   */
  sasl?: KafkaCredentials;
  /** TLS to the brokers (an external cluster); the local broker listens in plain text on 127.0.0.1. */
  ssl?: boolean;
  /**
   * How the topics this service creates are laid out on the cluster (TopicProvisioner); each absent
   * setting keeps today's default: the catalog's partition count, the broker's default replication
   * factor and min.insync.replicas (1 on the single-node dev broker).
   */
  topics?: TopicLayout;
  consumer?: {
    /** Partitions handled at the same time (kafkajs `partitionsConsumedConcurrently`); order holds within each. */
    concurrency?: number;
    /** Delay before each retry of a transiently failing event; its length is the number of retries. */
    retryDelaysMs?: number[];
    /** Records of one partition applied in one transaction, at most (one commit for them all). */
    batchSize?: number;
    /**
     * How often keys whose blocking record has settled are looked for, so their parked records are
     * applied even if the drain that follows the settlement was interrupted (a crash, a rebalance).
     */
    parkedSweepMs?: number;
    /**
     * A key blocked longer than this is released by the sweep (its retry record is taken to be lost);
     * default: the retry topics' retention, 7 days.
     */
    maxBlockedMs?: number;
  };
  /**
   * Whether this process consumes and relays the outbox (a process whose role runs workers, see
   * RELAIS_SERVICE_ROLE); false in an `api` process, which only writes outbox rows: the relay of a
   * `consumers` process sends them, woken by the NOTIFY that OutboxSignal sends after each commit.
   * Default true.
   */
  workers?: boolean;
  relay?: {
    /** Outbox rows claimed and sent per transaction. */
    batchSize?: number;
    /** Safety-net poll when no NOTIFY arrives (a lost notification never strands an event). */
    pollIntervalMs?: number;
  };
}

export interface TopicLayout {
  /** Partitions of every main and retry topic, instead of the catalog's count (dead-letter topics keep one). */
  partitions?: number;
  /** Copies of each partition: 3 on a three-broker cluster, so one broker can be lost. */
  replicationFactor?: number;
  /** Replicas that must have a write before it is acknowledged (the relay sends with acks=all): 2 of 3. */
  minInsyncReplicas?: number;
}

export interface KafkaCredentials {
  username: string;
  password: string;
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

/** The options with every default filled in, read once by the providers that need them. */
export interface ResolvedMessagingOptions {
  service: string;
  brokers: string[];
  topicPrefix: string;
  sasl: KafkaCredentials | undefined;
  ssl: boolean;
  topics: TopicLayout;
  workers: boolean;
  consumer: {
    concurrency: number;
    retryDelaysMs: number[];
    batchSize: number;
    parkedSweepMs: number;
    /**
     * A key blocked longer than this (its retry record lost: the retry topic's retention passed while
     * the consumer was away) is released, so one lost record never holds an aggregate back for ever.
     */
    maxBlockedMs: number;
  };
  relay: {
    batchSize: number;
    pollIntervalMs: number;
    /** How often a replica that is not the relay leader tries to become it. */
    leaderRetryMs: number;
    /** Sent outbox rows are kept this long (to investigate), then deleted by OutboxPruning. */
    outboxRetentionMs: number;
    /** Inbox rows outlive the 30-day retention of event topics, so any redelivery Kafka can still make is deduplicated (InboxPruning). */
    inboxRetentionMs: number;
    /** How often the outbox and inbox pruning jobs run. */
    housekeepingIntervalMs: number;
  };
}

export const RESOLVED_MESSAGING_OPTIONS = Symbol('RESOLVED_MESSAGING_OPTIONS');

const DAY_MS = 24 * 3600 * 1000;
/** Records wait in retry topics this long at most (TopicProvisioner gives them this retention). */
export const RETRY_RETENTION_MS = 7 * DAY_MS;

export function resolveMessagingOptions(options: MessagingOptions): ResolvedMessagingOptions {
  if (!/^[a-z][a-z0-9-]*$/.test(options.service)) {
    throw new Error(`MessagingModule: service "${options.service}" must be a lowercase name (it becomes ce_source, the group id and topic suffixes)`);
  }
  if (options.brokers.length === 0) throw new Error('MessagingModule: brokers is empty');
  if (options.sasl && (!options.sasl.username || !options.sasl.password)) {
    throw new Error('MessagingModule: sasl needs both a username and a password (KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD)');
  }
  const concurrency = options.consumer?.concurrency ?? 3;
  // About 3.5 minutes in all: a handler that asks another service (notification asking referral for a person's
  // contact) outlives that service's kill -9 and restart (25–45 s in `npm run chaos`) or a few minutes of overload
  // instead of dead-lettering; longer delays would hold the retry partition's later records behind them.
  const retryDelaysMs = options.consumer?.retryDelaysMs ?? [1_000, 5_000, 30_000, 60_000, 120_000];
  const consumerBatchSize = options.consumer?.batchSize ?? 100;
  const parkedSweepMs = options.consumer?.parkedSweepMs ?? 10_000;
  const maxBlockedMs = options.consumer?.maxBlockedMs ?? RETRY_RETENTION_MS;
  const batchSize = options.relay?.batchSize ?? 200;
  const pollIntervalMs = options.relay?.pollIntervalMs ?? 1_000;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`MessagingModule: consumer.concurrency must be a positive integer (got ${concurrency})`);
  if (retryDelaysMs.some((delay) => !Number.isFinite(delay) || delay < 0)) throw new Error('MessagingModule: consumer.retryDelaysMs must hold non-negative numbers');
  if (!Number.isInteger(consumerBatchSize) || consumerBatchSize < 1) throw new Error(`MessagingModule: consumer.batchSize must be a positive integer (got ${consumerBatchSize})`);
  if (!Number.isFinite(maxBlockedMs) || maxBlockedMs < 100) throw new Error(`MessagingModule: consumer.maxBlockedMs must be at least 100 ms (got ${maxBlockedMs})`);
  if (!Number.isFinite(parkedSweepMs) || parkedSweepMs < 100) throw new Error(`MessagingModule: consumer.parkedSweepMs must be at least 100 ms (got ${parkedSweepMs})`);
  const topics = resolveTopicLayout(options.topics ?? {});
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`MessagingModule: relay.batchSize must be a positive integer (got ${batchSize})`);
  if (!Number.isFinite(pollIntervalMs) || pollIntervalMs < 10) throw new Error(`MessagingModule: relay.pollIntervalMs must be at least 10 ms (got ${pollIntervalMs})`);
  return {
    service: options.service,
    brokers: options.brokers,
    topicPrefix: options.topicPrefix ?? '',
    sasl: options.sasl ? { username: options.sasl.username, password: options.sasl.password } : undefined,
    ssl: options.ssl ?? false,
    topics,
    workers: options.workers ?? true,
    consumer: { concurrency, retryDelaysMs: [...retryDelaysMs], batchSize: consumerBatchSize, parkedSweepMs, maxBlockedMs },
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

function resolveTopicLayout(layout: TopicLayout): TopicLayout {
  for (const [name, value] of Object.entries(layout)) {
    if (value !== undefined && (!Number.isInteger(value) || (value as number) < 1)) throw new Error(`MessagingModule: topics.${name} must be a positive integer (got ${String(value)})`);
  }
  const { partitions, replicationFactor, minInsyncReplicas } = layout;
  // The broker accepts such a topic, then refuses every write to it: better not to start.
  if (replicationFactor !== undefined && minInsyncReplicas !== undefined && minInsyncReplicas > replicationFactor) {
    throw new Error(`MessagingModule: topics.minInsyncReplicas (${minInsyncReplicas}) exceeds topics.replicationFactor (${replicationFactor}): no write could ever be acknowledged`);
  }
  return {
    ...(partitions !== undefined ? { partitions } : {}),
    ...(replicationFactor !== undefined ? { replicationFactor } : {}),
    ...(minInsyncReplicas !== undefined ? { minInsyncReplicas } : {}),
  };
}

/** The Kafka settings of a service's configuration (libs/platform serviceConfigSchema), as messaging options. */
export function kafkaSettings(config: {
  KAFKA_BROKERS: readonly string[];
  KAFKA_TOPIC_PREFIX: string;
  KAFKA_SASL_USERNAME: string | undefined;
  KAFKA_SASL_PASSWORD: string | undefined;
  KAFKA_SSL: boolean;
  /** 0: the catalog's partition count, the broker's replication factor and min.insync.replicas. */
  KAFKA_TOPIC_PARTITIONS?: number;
  KAFKA_REPLICATION_FACTOR?: number;
  KAFKA_MIN_INSYNC_REPLICAS?: number;
}): Pick<MessagingOptions, 'brokers' | 'topicPrefix' | 'sasl' | 'ssl' | 'topics'> {
  const { KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = config;
  if ((username === undefined) !== (password === undefined)) {
    throw new Error('KAFKA_SASL_USERNAME et KAFKA_SASL_PASSWORD vont ensemble : donnez les deux, ou aucun pour un cluster sans authentification');
  }
  return {
    brokers: [...config.KAFKA_BROKERS],
    topicPrefix: config.KAFKA_TOPIC_PREFIX,
    ...(username !== undefined && password !== undefined ? { sasl: { username, password } } : {}),
    ssl: config.KAFKA_SSL,
    topics: {
      ...(config.KAFKA_TOPIC_PARTITIONS ? { partitions: config.KAFKA_TOPIC_PARTITIONS } : {}),
      ...(config.KAFKA_REPLICATION_FACTOR ? { replicationFactor: config.KAFKA_REPLICATION_FACTOR } : {}),
      ...(config.KAFKA_MIN_INSYNC_REPLICAS ? { minInsyncReplicas: config.KAFKA_MIN_INSYNC_REPLICAS } : {}),
    },
  };
}
