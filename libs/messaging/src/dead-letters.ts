import { Inject, Injectable } from '@nestjs/common';
import { topicCatalog } from '@relais/contracts';
import { DataSource } from 'typeorm';
import { headerText } from './cloudevents';
import { readDeadLetterTopics, type DeadLetterRecord } from './dead-letter-reader';
import { DirectProducer } from './direct-producer';
import { redriveHeaders, relaisHeaders } from './failure-routing';
import { KafkaConnection } from './kafka-connection';
import { RESOLVED_MESSAGING_OPTIONS, type ResolvedMessagingOptions } from './messaging-options';

export interface DeadLetter {
  /** `<catalog topic>.dlt:<partition>:<offset>`: where the dead letter sits, stable and unique. */
  id: string;
  /** The catalog topic the event was published on. */
  topic: string;
  eventId: string | undefined;
  type: string | undefined;
  key: string | null;
  /** Why it was given up: not-a-cloudevent, forged, invalid-payload, permanent-error, attempts-exhausted. */
  reason: string | undefined;
  error: string | undefined;
  attempts: number;
  originalPartition: number | undefined;
  originalOffset: string | undefined;
  deadAt: Date | undefined;
  /** When it was sent back for another try; null while it waits. */
  redrivenAt: Date | null;
  /** The payload, parsed when it is JSON. */
  payload: unknown;
}

export interface ListDeadLettersOptions {
  /** A catalog topic (without prefix); all the service's topics by default. */
  topic?: string;
  /** At most this many, newest first (default 50). */
  limit?: number;
  /** Also those already redriven. */
  includeRedriven?: boolean;
}

export type RedriveSelection = { ids: string[]; topic?: string } | { all: true; topic?: string };

export interface RedriveResult {
  redriven: string[];
  skipped: Array<{ id: string; reason: string }>;
}

/**
 * The dead letters of this service (dead-letter topics are shared by a topic's consumers; each record
 * names the consumer that gave up) and their redrive: back to the service's retry topic with a fresh
 * count of attempts. A redrive is recorded in the service database (messaging_dead_letter_redrive,
 * in the same transaction that sends it), so a dead letter is never redriven twice; if the event fails
 * again it becomes a new dead letter, which can be redriven in turn.
 */
@Injectable()
export class DeadLetters {
  constructor(
    private readonly connection: KafkaConnection,
    private readonly producer: DirectProducer,
    private readonly dataSource: DataSource,
    @Inject(RESOLVED_MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
  ) {}

  async list(options: ListDeadLettersOptions = {}): Promise<DeadLetter[]> {
    const limit = options.limit ?? 50;
    const letters = (await this.read(options.topic)).map(({ letter }) => letter);
    return letters
      .filter((letter) => options.includeRedriven === true || letter.redrivenAt === null)
      .sort((a, b) => (b.deadAt?.getTime() ?? 0) - (a.deadAt?.getTime() ?? 0))
      .slice(0, limit);
  }

  async redrive(selection: RedriveSelection): Promise<RedriveResult> {
    const stored = await this.read(selection.topic);
    const result: RedriveResult = { redriven: [], skipped: [] };
    let chosen: typeof stored;
    if ('all' in selection) {
      chosen = stored.filter(({ letter }) => letter.redrivenAt === null);
    } else {
      chosen = [];
      for (const id of new Set(selection.ids)) {
        const found = stored.find(({ letter }) => letter.id === id);
        if (found) chosen.push(found);
        else result.skipped.push({ id, reason: `no dead letter of ${this.options.service} with this id` });
      }
    }
    for (const { letter, record } of chosen) {
      const sent = await this.dataSource.transaction(async (manager) => {
        const inserted = await manager.query<unknown[]>(
          `INSERT INTO messaging_dead_letter_redrive (consumer, dead_letter_id, event_id)
           VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING dead_letter_id`,
          [this.options.service, letter.id, letter.eventId ?? ''],
        );
        if (inserted.length === 0) return false;
        // Sent before the commit: if the send fails the redrive is not recorded and can be tried again.
        await this.producer.send(this.connection.topics.retry(letter.topic), {
          key: record.key,
          value: record.value,
          headers: redriveHeaders(record.headers, letter.id, Date.now()),
        });
        return true;
      });
      if (sent) result.redriven.push(letter.id);
      else result.skipped.push({ id: letter.id, reason: 'already redriven' });
    }
    return result;
  }

  private async read(topic: string | undefined): Promise<Array<{ letter: DeadLetter; record: DeadLetterRecord }>> {
    const names = this.connection.topics;
    if (topic !== undefined && !topicCatalog.some((entry) => entry.name === topic)) throw new Error(`topic ${topic} is not in the event catalog`);
    const consumed = (await this.topicsWithDeadLetters()).filter((name) => topic === undefined || name === topic);
    const records = await readDeadLetterTopics(this.connection, consumed.map((name) => names.deadLetter(name)));
    const mine = records.filter((record) => headerText(record.headers, relaisHeaders.consumer) === this.options.service);
    const redriven = await this.redrivenAt(mine.map((record) => this.idOf(record)));
    return mine.map((record) => ({ record, letter: this.toDeadLetter(record, redriven) }));
  }

  /** Catalog topics whose dead-letter topic exists under this prefix. */
  private async topicsWithDeadLetters(): Promise<string[]> {
    const existing = new Set(await (await this.connection.connectedAdmin()).listTopics());
    return topicCatalog.map((entry) => entry.name).filter((name) => existing.has(this.connection.topics.deadLetter(name)));
  }

  private async redrivenAt(ids: string[]): Promise<Map<string, Date>> {
    if (ids.length === 0) return new Map();
    const rows = await this.dataSource.query<Array<{ dead_letter_id: string; redriven_at: Date }>>(
      `SELECT dead_letter_id, redriven_at FROM messaging_dead_letter_redrive WHERE consumer = $1 AND dead_letter_id = ANY($2::text[])`,
      [this.options.service, ids],
    );
    return new Map(rows.map((row) => [row.dead_letter_id, row.redriven_at]));
  }

  private idOf(record: DeadLetterRecord): string {
    const topic = this.connection.topics.catalogTopicOf(record.topic)?.topic ?? record.topic;
    return `${topic}.dlt:${record.partition}:${record.offset}`;
  }

  private toDeadLetter(record: DeadLetterRecord, redriven: Map<string, Date>): DeadLetter {
    const header = (name: string) => headerText(record.headers, name);
    const id = this.idOf(record);
    const text = record.value?.toString('utf8') ?? null;
    let payload: unknown = text;
    try {
      payload = text === null ? null : JSON.parse(text);
    } catch {
      // Not JSON (that may be why it is here): shown as text.
    }
    const partition = Number(header(relaisHeaders.originalPartition));
    const deadAt = header(relaisHeaders.failedAt);
    return {
      id,
      topic: this.connection.topics.catalogTopicOf(record.topic)?.topic ?? record.topic,
      eventId: header('ce_id'),
      type: header('ce_type'),
      key: record.key?.toString('utf8') ?? null,
      reason: header(relaisHeaders.reason),
      error: header(relaisHeaders.error),
      attempts: Number(header(relaisHeaders.attempt) ?? 0),
      originalPartition: Number.isInteger(partition) ? partition : undefined,
      originalOffset: header(relaisHeaders.originalOffset),
      deadAt: deadAt ? new Date(deadAt) : undefined,
      redrivenAt: redriven.get(id) ?? null,
      payload,
    };
  }
}
