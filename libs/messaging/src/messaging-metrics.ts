import { Inject, Injectable, Optional } from '@nestjs/common';
import { METRICS_REGISTRY, metricOf, scrapedGauge } from '@relais/platform';
import { Counter, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { HandlerRegistry } from './handler-registry';
import { KafkaConnection } from './kafka-connection';
import type { ProcessingOutcome } from './message-processor';
import { RESOLVED_MESSAGING_OPTIONS, type ResolvedMessagingOptions } from './messaging-options';

type TopicLabel = 'topic';

/**
 * The messaging families (docs/operations.md, "Metrics"). Counted as they happen: what the consumer did
 * with each record (retried, dead-lettered, skipped as already applied). Measured at scrape time, in
 * a process that runs workers only (an `api` process has no consumer and no relay): the outbox's
 * backlog and its oldest row's age, the group's lag per topic and partition, and how many dead letters
 * the dead-letter topics of the consumed topics hold (they outlive a restart, the counters do not).
 * Without PlatformModule (a library test) the families go to a registry nobody reads.
 */
@Injectable()
export class MessagingMetrics {
  private readonly records: Counter<'topic' | 'outcome'>;
  private readonly retries: Counter<TopicLabel>;
  private readonly deadLetters: Counter<TopicLabel>;
  private readonly duplicates: Counter<TopicLabel>;

  constructor(
    @Optional() @Inject(METRICS_REGISTRY) registry: Registry | undefined,
    private readonly dataSource: DataSource,
    private readonly connection: KafkaConnection,
    private readonly handlers: HandlerRegistry,
    @Inject(RESOLVED_MESSAGING_OPTIONS) options: ResolvedMessagingOptions,
  ) {
    const register = registry ?? new Registry();
    const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> =>
      metricOf(register, name, () => new Counter<L>({ name, help, labelNames, registers: [register] }));
    this.records = counter('relais_consumer_records_total', 'Enregistrements lus par le consommateur, par sujet du catalogue et issue', ['topic', 'outcome']);
    this.retries = counter('relais_event_retries_total', 'Événements envoyés au sujet de nouvel essai après un échec passager, par sujet', ['topic']);
    this.deadLetters = counter('relais_dead_letters_total', 'Événements abandonnés dans le sujet des lettres mortes, par sujet', ['topic']);
    this.duplicates = counter('relais_inbox_duplicates_skipped_total', "Événements déjà appliqués (boîte de réception) et ignorés, par sujet", ['topic']);
    if (options.workers) this.registerScraped(register);
  }

  /** What the consumer did with one record read from `kafkaTopic` (main or retry topic). */
  recordOutcome(kafkaTopic: string, outcome: ProcessingOutcome): void {
    const topic = this.connection.topics.catalogTopicOf(kafkaTopic)?.topic ?? kafkaTopic;
    this.records.inc({ topic, outcome });
    if (outcome === 'retried') this.retries.inc({ topic });
    if (outcome === 'dead-lettered') this.deadLetters.inc({ topic });
    if (outcome === 'duplicate') this.duplicates.inc({ topic });
  }

  private registerScraped(register: Registry): void {
    scrapedGauge(register, { name: 'relais_outbox_backlog', help: "Lignes de l'outbox pas encore envoyées à Kafka", labelNames: [] }, async () => {
      const [row] = await this.outboxState();
      return [{ labels: {}, value: row?.backlog ?? 0 }];
    });
    scrapedGauge(register, { name: 'relais_outbox_oldest_age_seconds', help: "Âge de la plus ancienne ligne non envoyée de l'outbox (0 si vide)", labelNames: [] }, async () => {
      const [row] = await this.outboxState();
      return [{ labels: {}, value: row?.oldest ?? 0 }];
    });
    scrapedGauge(
      register,
      { name: 'relais_consumer_lag', help: 'Retard du groupe de consommateurs : messages écrits pas encore validés, par sujet Kafka et partition', labelNames: ['group', 'topic', 'partition'] },
      () => this.consumerLag(),
    );
    scrapedGauge(
      register,
      { name: 'relais_dead_letter_topic_messages', help: 'Messages que tiennent les sujets de lettres mortes des sujets consommés, par sujet', labelNames: ['topic'] },
      () => this.deadLetterTopicSizes(),
    );
  }

  private outboxState(): Promise<Array<{ backlog: number; oldest: number }>> {
    return this.dataSource.query(
      `SELECT count(*)::int AS backlog, COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS oldest
         FROM messaging_outbox WHERE sent_at IS NULL`,
    );
  }

  private async consumerLag(): Promise<Array<{ labels: Record<'group' | 'topic' | 'partition', string>; value: number }>> {
    const topics = this.subscribedTopics();
    if (topics.length === 0) return [];
    const admin = await this.connection.connectedAdmin();
    const groupId = this.connection.topics.groupId();
    const committed = await admin.fetchOffsets({ groupId, topics });
    const series: Array<{ labels: Record<'group' | 'topic' | 'partition', string>; value: number }> = [];
    for (const { topic, partitions } of committed) {
      const ends = await admin.fetchTopicOffsets(topic);
      for (const end of ends) {
        const offset = Number(partitions.find((p) => p.partition === end.partition)?.offset ?? -1);
        // -1: the group never committed on this partition; it will read it from the start.
        const from = offset >= 0 ? offset : Number(end.low);
        series.push({ labels: { group: groupId, topic, partition: String(end.partition) }, value: Math.max(0, Number(end.high) - from) });
      }
    }
    return series;
  }

  private async deadLetterTopicSizes(): Promise<Array<{ labels: Record<TopicLabel, string>; value: number }>> {
    const admin = await this.connection.connectedAdmin();
    const series: Array<{ labels: Record<TopicLabel, string>; value: number }> = [];
    for (const topic of this.handlers.consumedTopics()) {
      const offsets = await admin.fetchTopicOffsets(this.connection.topics.deadLetter(topic));
      series.push({ labels: { topic }, value: offsets.reduce((sum, p) => sum + Math.max(0, Number(p.high) - Number(p.low)), 0) });
    }
    return series;
  }

  private subscribedTopics(): string[] {
    const names = this.connection.topics;
    return this.handlers.consumedTopics().flatMap((topic) => [names.main(topic), names.retry(topic)]);
  }
}
