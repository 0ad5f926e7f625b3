import { Injectable, Logger } from '@nestjs/common';
import { topicCatalog, type TopicDefinition } from '@relais/contracts';
import type { ITopicConfig } from 'kafkajs';
import { KafkaConnection } from './kafka-connection';
import { RETRY_RETENTION_MS, type TopicLayout } from './messaging-options';

/** Few dead letters, read by people: one partition keeps listing simple. */
const DEAD_LETTER_PARTITIONS = 1;

/**
 * Creates the topics a service needs before it publishes or subscribes (the broker refuses to create
 * them on first use): the catalog topics it publishes to and consumes from, and for each consumed
 * topic its own retry topic and the shared dead-letter topic. Partitions, replication factor and
 * min.insync.replicas come from the configuration (KAFKA_TOPIC_PARTITIONS, KAFKA_REPLICATION_FACTOR,
 * KAFKA_MIN_INSYNC_REPLICAS), each defaulting to the catalog's count and the broker's defaults.
 * Existing topics are left as they are: changing partitions or policies of a live topic is an
 * operation, not a side effect of a deploy.
 */
@Injectable()
export class TopicProvisioner {
  private readonly logger = new Logger(TopicProvisioner.name);

  constructor(private readonly connection: KafkaConnection) {}

  /** The topics this service needs, given the catalog topics its handlers consume. */
  plan(consumedTopics: Iterable<string>): ITopicConfig[] {
    const names = this.connection.topics;
    const service = this.connection.options.service;
    const layout = this.connection.options.topics;
    const consumed = new Set(consumedTopics);
    const wanted = new Map<string, ITopicConfig>();
    for (const topic of topicCatalog) {
      if (topic.publisher === service || consumed.has(topic.name)) {
        wanted.set(names.main(topic.name), laidOut(mainTopic(names.main(topic.name), topic), layout));
      }
      if (consumed.has(topic.name)) {
        wanted.set(
          names.retry(topic.name),
          laidOut(
            {
              topic: names.retry(topic.name),
              numPartitions: topic.partitions,
              configEntries: [
                { name: 'cleanup.policy', value: 'delete' },
                { name: 'retention.ms', value: String(RETRY_RETENTION_MS) },
              ],
            },
            layout,
          ),
        );
        // Dead letters keep one partition, but as many copies as the rest: losing a broker loses none.
        wanted.set(
          names.deadLetter(topic.name),
          laidOut(
            {
              topic: names.deadLetter(topic.name),
              numPartitions: DEAD_LETTER_PARTITIONS,
              configEntries: [
                { name: 'cleanup.policy', value: 'delete' },
                { name: 'retention.ms', value: String(topic.retentionMs) },
              ],
            },
            { ...layout, partitions: DEAD_LETTER_PARTITIONS },
          ),
        );
      }
    }
    for (const name of consumed) {
      if (!topicCatalog.some((topic) => topic.name === name)) throw new Error(`topic ${name} is not in the event catalog`);
    }
    return [...wanted.values()];
  }

  async provision(consumedTopics: Iterable<string>): Promise<void> {
    const wanted = this.plan(consumedTopics);
    const admin = await this.connection.connectedAdmin();
    const existing = new Set(await admin.listTopics());
    const missing = wanted.filter((topic) => !existing.has(topic.topic));
    if (missing.length > 0) await this.create(missing);
    // Another service may have created some of them a moment ago: their partitions can still lack a
    // leader, and a consumer subscribing then fails the start ("does not host this topic-partition").
    await this.waitForLeaders(wanted.map((topic) => topic.topic));
  }

  /**
   * Several services create shared topics at the same moment; whoever loses that race gets an error
   * although the topic exists (or is being made). So creation errors are not final: waitForLeaders
   * decides, and fails with the topics still missing.
   */
  private async create(missing: ITopicConfig[]): Promise<void> {
    const admin = await this.connection.connectedAdmin();
    try {
      await admin.createTopics({ topics: missing, waitForLeaders: false });
      this.logger.log(`created topics ${missing.map((topic) => topic.topic).join(', ')}`);
    } catch (error) {
      this.logger.warn(`creating ${missing.map((topic) => topic.topic).join(', ')}: ${error instanceof Error ? error.message : String(error)} (checking again)`);
    }
  }

  private async waitForLeaders(topics: string[], timeoutMs = 30_000): Promise<void> {
    const admin = await this.connection.connectedAdmin();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lacking = await admin
        .fetchTopicMetadata({ topics })
        .then(({ topics: found }) => found.filter((topic) => topic.partitions.length === 0 || topic.partitions.some((p) => p.leader < 0)).map((t) => t.name))
        .catch((error: unknown) => [error instanceof Error ? error.message : String(error)]);
      if (lacking.length === 0) return;
      if (Date.now() > deadline) throw new Error(`topics without a partition leader after ${timeoutMs} ms: ${lacking.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** A topic with the configured partitions, replication factor and min.insync.replicas, where set. */
function laidOut(topic: ITopicConfig, layout: TopicLayout): ITopicConfig {
  return {
    ...topic,
    ...(layout.partitions !== undefined ? { numPartitions: layout.partitions } : {}),
    ...(layout.replicationFactor !== undefined ? { replicationFactor: layout.replicationFactor } : {}),
    configEntries: [
      ...(topic.configEntries ?? []),
      ...(layout.minInsyncReplicas !== undefined ? [{ name: 'min.insync.replicas', value: String(layout.minInsyncReplicas) }] : []),
    ],
  };
}

function mainTopic(name: string, topic: TopicDefinition): ITopicConfig {
  return {
    topic: name,
    numPartitions: topic.partitions,
    configEntries: topic.compacted
      ? [{ name: 'cleanup.policy', value: 'compact' }]
      : [
          { name: 'cleanup.policy', value: 'delete' },
          { name: 'retention.ms', value: String(topic.retentionMs) },
        ],
  };
}
