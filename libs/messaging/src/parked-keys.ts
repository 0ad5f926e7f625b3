import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { headerText, type RawHeaders } from './cloudevents';
import type { IncomingRecord } from './incoming-record';
import { RESOLVED_MESSAGING_OPTIONS, type ResolvedMessagingOptions } from './messaging-options';

/** Where a key stands: blocked behind the event `blocker`, or released (blocker null) while its parked records are applied. */
export type KeyState = { blocker: string | null };

export interface ParkedRecord {
  /** The catalog topic (without prefix). */
  topic: string;
  key: string;
  record: IncomingRecord;
}

/**
 * The consumer's blocked keys and the records parked behind them (tables of MessagingParkedKeys1765000000000,
 * ADR 0003). Every method runs in the ambient transaction when there is one (TransactionHost), so that
 * parking a record, releasing a key or taking a parked record commits with the effects it goes with.
 *
 * Locks: a run that may apply records of a key takes the key's row FOR SHARE first, a drain takes it
 * FOR UPDATE; so a record is never applied beside a drain of its key, and the last parked record of a
 * key cannot be left behind when the drain deletes the key (a run waiting on the lock sees it gone, and
 * its record, coming after every parked one, is applied directly).
 */
@Injectable()
export class ParkedKeys {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    @Inject(RESOLVED_MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
  ) {}

  private get consumer(): string {
    return this.options.service;
  }

  private query<T>(sql: string, params: unknown[]): Promise<T> {
    return this.txHost.tx.query<T>(sql, params);
  }

  /** UPDATE and DELETE come back from TypeORM as [rows, affected count]: the rows. */
  private async modify<T>(sql: string, params: unknown[]): Promise<T[]> {
    const [rows] = await this.query<[T[], number]>(sql, params);
    return rows;
  }

  /** The blocked or draining keys among `keys`, locked against a drain until the caller's transaction ends. */
  async lockKeys(topic: string, keys: string[]): Promise<Map<string, KeyState>> {
    if (keys.length === 0) return new Map();
    const rows = await this.query<Array<{ key: string; blocker_event_id: string | null }>>(
      `SELECT key, blocker_event_id FROM messaging_parked_key
        WHERE consumer = $1 AND topic = $2 AND key = ANY($3::text[]) ORDER BY key FOR SHARE`,
      [this.consumer, topic, keys],
    );
    return new Map(rows.map((row) => [row.key, { blocker: row.blocker_event_id }]));
  }

  /** Holds a record back behind its key's blocker. A record parked twice (a redelivery) is kept once. */
  async park(topic: string, key: string, eventId: string, record: IncomingRecord): Promise<void> {
    await this.query(
      `INSERT INTO messaging_parked_record (consumer, topic, key, event_id, kafka_topic, kafka_partition, kafka_offset, headers, value)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9) ON CONFLICT (consumer, event_id) DO NOTHING`,
      [this.consumer, topic, key, eventId, record.topic, record.partition, record.offset, JSON.stringify(headersAsText(record.headers)), record.value],
    );
  }

  /**
   * Blocks the key behind `eventId` (a record of it just went to the retry topic): a key seen for the
   * first time gets a row, a key already blocked or draining gets this event as its new blocker.
   */
  async block(topic: string, key: string, eventId: string): Promise<void> {
    await this.query(
      `INSERT INTO messaging_parked_key (consumer, topic, key, blocker_event_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (consumer, topic, key) DO UPDATE SET blocker_event_id = EXCLUDED.blocker_event_id, blocked_since = now()`,
      [this.consumer, topic, key, eventId],
    );
  }

  /** The blocker `eventId` settled: its key is released (true) if that event was indeed what blocked it. */
  async release(topic: string, key: string, eventId: string): Promise<boolean> {
    const rows = await this.modify<unknown>(
      `UPDATE messaging_parked_key SET blocker_event_id = NULL
        WHERE consumer = $1 AND topic = $2 AND key = $3 AND blocker_event_id = $4 RETURNING key`,
      [this.consumer, topic, key, eventId],
    );
    return rows.length > 0;
  }

  /**
   * The keys whose parked records are waiting to be applied. Keys blocked for longer than a retry can
   * wait (its record is gone with the retry topic's retention) are released first, and named.
   */
  async releasedKeys(): Promise<{ released: Array<{ topic: string; key: string }>; expired: Array<{ topic: string; key: string; blocker: string }> }> {
    const expired = await this.modify<{ topic: string; key: string; blocker: string }>(
      `UPDATE messaging_parked_key k SET blocker_event_id = NULL
         FROM (SELECT consumer, topic, key, blocker_event_id FROM messaging_parked_key
                WHERE consumer = $1 AND blocker_event_id IS NOT NULL AND blocked_since < now() - make_interval(secs => $2)
                FOR UPDATE SKIP LOCKED) old
        WHERE k.consumer = old.consumer AND k.topic = old.topic AND k.key = old.key
        RETURNING k.topic, k.key, old.blocker_event_id AS blocker`,
      [this.consumer, this.options.consumer.maxBlockedMs / 1000],
    );
    const released = await this.query<Array<{ topic: string; key: string }>>(
      `SELECT topic, key FROM messaging_parked_key WHERE consumer = $1 AND blocker_event_id IS NULL ORDER BY blocked_since`,
      [this.consumer],
    );
    return { released, expired };
  }

  /** For one step of a drain: the key's state, locked until the caller's transaction ends; undefined once the key is gone. */
  async lockForDrain(topic: string, key: string): Promise<KeyState | undefined> {
    const [row] = await this.query<Array<{ blocker_event_id: string | null }>>(
      `SELECT blocker_event_id FROM messaging_parked_key WHERE consumer = $1 AND topic = $2 AND key = $3 FOR UPDATE`,
      [this.consumer, topic, key],
    );
    return row ? { blocker: row.blocker_event_id } : undefined;
  }

  /** Removes and returns the oldest record parked behind the key (the drain holds the key's lock). */
  async takeNext(topic: string, key: string): Promise<ParkedRecord | undefined> {
    const [row] = await this.modify<{ kafka_topic: string; kafka_partition: number; kafka_offset: string; headers: Record<string, string>; value: Buffer | null }>(
      `DELETE FROM messaging_parked_record WHERE id = (
         SELECT id FROM messaging_parked_record WHERE consumer = $1 AND topic = $2 AND key = $3 ORDER BY id LIMIT 1)
       RETURNING kafka_topic, kafka_partition, kafka_offset, headers, value`,
      [this.consumer, topic, key],
    );
    if (!row) return undefined;
    return {
      topic,
      key,
      record: { topic: row.kafka_topic, partition: row.kafka_partition, offset: row.kafka_offset, key: Buffer.from(key), value: row.value, headers: row.headers },
    };
  }

  /** Nothing is parked behind the key any more: it flows again. */
  async unblock(topic: string, key: string): Promise<void> {
    await this.query(`DELETE FROM messaging_parked_key WHERE consumer = $1 AND topic = $2 AND key = $3`, [this.consumer, topic, key]);
  }
}

/** Every header as text (the last value of a repeated one), to be read again as kafkajs would hand it. */
function headersAsText(headers: RawHeaders | undefined): Record<string, string> {
  const text: Record<string, string> = {};
  for (const name of Object.keys(headers ?? {})) {
    const value = headerText(headers, name);
    if (value !== undefined) text[name] = value;
  }
  return text;
}
