import { Injectable, Logger } from '@nestjs/common';
import { eventDefinition } from '@relais/contracts';
import { TopicReplay, type Positions, type ReplayedEvent } from '@relais/messaging';
import { advisoryLocks, TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { DomainError } from '@relais/platform';
import { DataSource, type QueryRunner } from 'typeorm';
import { asProjectionEvent } from '../projections/projection-event';
import { RollupDeltas } from '../projections/rollup-deltas';
import { asSoleWriter, rulesOf, Rollups } from '../projections/rollups';

/** Where the new version is filled, and where the previous one goes at the switch before it is dropped. */
export const STAGING_SCHEMA = 'reporting_rebuild';
export const RETIRED_SCHEMA = 'reporting_retired';

/** Topics of the directory's snapshots, which the reporting's copy of the directory is made of. */
const directoryTopics = [...new Set((['fr.relais.directory.network.snapshot.v1', 'fr.relais.directory.structure.snapshot.v1', 'fr.relais.directory.service.snapshot.v1'] as const).map((type) => eventDefinition(type).topic))];

const directoryTopicNames = new Set<string>(directoryTopics);

/** Tables of the service that are not projections: the messaging library's and the migrations' bookkeeping. */
const notProjections = (table: string): boolean => table.startsWith('messaging_') || table === 'migrations';

/** A query on the session's connection, its rows typed by the caller (QueryRunner.query answers `any`). */
async function rows<T>(session: QueryRunner, sql: string, parameters: unknown[] = []): Promise<T> {
  return (await session.query(sql, parameters)) as T;
}

/**
 * Distinct rollup rows the rebuild sums in memory across batches before writing them (about 400 bytes each: some
 * 80 MB at most). A year of a département touches far more rows than a batch, but each many times: summed over
 * many batches, each row is written a few times in the whole rebuild instead of once per batch that touches it.
 */
const DELTA_ROWS_BEFORE_FLUSH = 200_000;

/** How long the rebuild waits for the live consumer to pass what the replay read, before leaving `replayed_events` as it is. */
const FORGET_WAIT_MS = 60_000;

export type RebuildPhase = 'replay' | 'catch-up' | 'switch';

export interface RebuildReport {
  /** Records read from the topics (every handled event, duplicates included). */
  events: number;
  /** Events met a second time under the same id (an outbox published twice, the snapshots read first): applied once. */
  duplicates: number;
  /** Events whose handlers failed: left out of the new version (the live consumer dead-letters them too). */
  failed: number;
  /** Records that are not events of the catalog's publishers (forged, malformed): left out. */
  skipped: number;
  seconds: number;
  /** Of those, seconds inside the batches' transactions (rows loaded, rules run, writes, commit); the rest is Kafka and decoding. */
  applySeconds: number;
  tables: string[];
  /**
   * Whether `replayed_events` was emptied: once the live consumer has committed past what the replay read, it
   * has nothing left to skip. False when it had not within a minute (stopped, or far behind): the ids stay, and
   * the next rebuild replaces them.
   */
  replayedForgotten: boolean;
}

/**
 * `reporting:rebuild` (docs/reporting.md "Rebuild"): a new version of every projection table, filled from the
 * beginning of the topics by a replay group of its own, while the service keeps answering from — and its live
 * consumer keeps writing to — the version in use. Blue/green by schema: the new tables are made in
 * `reporting_rebuild` with the same columns, keys and indexes, the replay's transactions write there
 * (`SET LOCAL search_path`), and once it has caught up the two sets of tables trade places in one transaction.
 *
 * The switch holds the rollups' turn (the lock every live handler takes first): the live consumer waits, the
 * replay reads up to where the topics end at that moment — so every event the live consumer applied is in the
 * new version — and the tables are swapped. The replay may have applied events the live consumer has not reached
 * yet: their ids are in the new version's `replayed_events`, which live handlers check once their turn comes.
 *
 * Batches: one transaction per batch of a partition, its rollup counts summed in memory and written as one
 * multi-row upsert per table (Rollups.buffer); events met before under the same id are left out. An interrupted
 * rebuild leaves the version in use untouched; the next one starts over.
 */
@Injectable()
export class ProjectionRebuild {
  private readonly logger = new Logger('ProjectionRebuild');
  private events = 0;
  private duplicates = 0;
  private failed = 0;
  private applyMs = 0;
  /** Rollup deltas of committed batches, not written yet (written at DELTA_ROWS_BEFORE_FLUSH rows, and before the switch). */
  private deltas = new RollupDeltas();
  private flushFailure: Error | undefined;
  private deltaRowsBeforeFlush = DELTA_ROWS_BEFORE_FLUSH;

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly replay: TopicReplay,
    private readonly rollups: Rollups,
    private readonly dataSource: DataSource,
  ) {}

  /** `deltaRowsBeforeFlush`: the bound of the summed deltas (DELTA_ROWS_BEFORE_FLUSH; a test sets 1 to flush after every batch). */
  async run(onProgress: (phase: RebuildPhase, read: number, total: number) => void = () => undefined, { deltaRowsBeforeFlush = DELTA_ROWS_BEFORE_FLUSH } = {}): Promise<RebuildReport> {
    this.deltaRowsBeforeFlush = deltaRowsBeforeFlush;
    const started = performance.now();
    // A connection of its own: the session locks (one rebuild at a time; the rollups' turn at the switch) live on it.
    const session = this.dataSource.createQueryRunner();
    await session.connect();
    try {
      const [mine] = await rows<Array<{ locked: boolean }>>(session, `SELECT pg_try_advisory_lock($1) AS locked`, [advisoryLocks.reportingRebuild]);
      if (!mine?.locked) throw new DomainError('conflict', 'Une reconstruction des projections est déjà en cours.');
      const tables = await this.prepareStaging(session);
      this.deltas = new RollupDeltas();
      this.flushFailure = undefined;
      const version = `v${Date.now()}`;
      // The directory's copy first: a referral's figures go to its service's networks and role, read from it.
      await this.replay.start(`${version}-directory`, (events) => this.applyBatch(events), directoryTopics);
      try {
        await this.until(await this.replay.endOffsets(directoryTopics), 'replay', onProgress);
      } finally {
        await this.replay.stop();
      }
      // Then every topic (the snapshots again, met before: left out, unless published meanwhile).
      await this.replay.start(version, (events) => this.applyBatch(events));
      try {
        await this.until(await this.replay.endOffsets(), 'replay', onProgress);
        // The live consumer waits from here until the switch: the replay reads what the topics hold now, then tables trade places.
        await session.query(`SELECT pg_advisory_lock($1)`, [advisoryLocks.reportingRollups]);
        try {
          await this.until(await this.replay.endOffsets(), 'catch-up', onProgress);
          await this.replay.stop();
          onProgress('switch', 1, 1);
          await this.flushDeltas();
          await this.switchIn(session, tables);
        } finally {
          await session.query(`SELECT pg_advisory_unlock($1)`, [advisoryLocks.reportingRollups]);
        }
      } finally {
        await this.replay.stop();
      }
      await session.query(`DROP SCHEMA IF EXISTS ${RETIRED_SCHEMA} CASCADE`);
      await session.query(`DROP SCHEMA IF EXISTS ${STAGING_SCHEMA} CASCADE`);
      // From the start to the old version dropped: the wait for the live consumer below is not the rebuild's.
      const seconds = Math.round((performance.now() - started) / 100) / 10;
      const forgotten = await this.forgetReplayedOnceLivePassed(session);
      return {
        replayedForgotten: forgotten,
        events: this.events,
        duplicates: this.duplicates,
        failed: this.failed,
        skipped: this.replay.skipped,
        seconds,
        applySeconds: Math.round(this.applyMs / 100) / 10,
        tables,
      };
    } finally {
      await session.query(`SELECT pg_advisory_unlock($1)`, [advisoryLocks.reportingRebuild]).catch(() => undefined);
      await session.release();
    }
  }

  private async forgetReplayedOnceLivePassed(session: QueryRunner): Promise<boolean> {
    const read = this.replay.positions();
    const deadline = Date.now() + FORGET_WAIT_MS;
    for (;;) {
      if (await this.replay.liveGroupPassed(read)) {
        await session.query(`TRUNCATE replayed_events`);
        return true;
      }
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  }

  /** Waits until the replay has read up to `ends`, telling how far it is twice a second. */
  private async until(ends: Positions, phase: RebuildPhase, onProgress: (phase: RebuildPhase, read: number, total: number) => void): Promise<void> {
    for (;;) {
      if (this.flushFailure) throw this.flushFailure;
      const { read, total } = this.replay.progress(ends);
      onProgress(phase, Number(read), Number(total));
      if (read >= total) return;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  /** Empty copies of the projection tables (columns, defaults, keys, indexes under the same names) in the staging schema. */
  private async prepareStaging(session: QueryRunner): Promise<string[]> {
    const publicTables = await rows<Array<{ table: string }>>(session, `SELECT tablename AS table FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
    const tables = publicTables.map((row) => row.table).filter((table) => !notProjections(table));
    await session.query(`DROP SCHEMA IF EXISTS ${STAGING_SCHEMA} CASCADE`);
    await session.query(`DROP SCHEMA IF EXISTS ${RETIRED_SCHEMA} CASCADE`);
    await session.query(`CREATE SCHEMA ${STAGING_SCHEMA}`);
    for (const table of tables) {
      await session.query(`CREATE TABLE ${STAGING_SCHEMA}.${table} (LIKE public.${table} INCLUDING DEFAULTS INCLUDING GENERATED)`);
      // LIKE … INCLUDING INDEXES would name them anew; `ON CONFLICT ON CONSTRAINT <name>` needs the same names.
      const constraints = await rows<Array<{ name: string; definition: string }>>(session, 
        `SELECT conname AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint
          WHERE conrelid = ('public.' || $1)::regclass AND contype IN ('p', 'u', 'c', 'x') ORDER BY conname`,
        [table],
      );
      for (const { name, definition } of constraints) await session.query(`ALTER TABLE ${STAGING_SCHEMA}.${table} ADD CONSTRAINT ${name} ${definition}`);
      const indexes = await rows<Array<{ definition: string }>>(session, 
        `SELECT pg_get_indexdef(i.indexrelid) AS definition FROM pg_index i
          WHERE i.indrelid = ('public.' || $1)::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`,
        [table],
      );
      for (const { definition } of indexes) await session.query(definition.replace(` ON public.${table} `, ` ON ${STAGING_SCHEMA}.${table} `));
    }
    return tables;
  }

  private async applyBatch(events: ReplayedEvent[]): Promise<void> {
    if (events.length === 0) return;
    const started = performance.now();
    try {
      const applied = await asSoleWriter(() =>
        this.txHost.withTransaction(async () => {
          await this.txHost.tx.query(`SET LOCAL search_path TO ${STAGING_SCHEMA}, public`);
          const fresh = await this.firstTimeSeen(events);
          // A fetched batch is one partition of one topic: the directory's snapshots (a few hundred, upserted with
          // their version guards by their own handlers), or events of the projections, applied as sets.
          if (fresh.some((event) => directoryTopicNames.has(event.context.topic))) {
            for (const event of fresh) await event.apply();
            return { count: fresh.length, deltas: undefined };
          }
          // State rows and event ids are written in the batch's transaction; its rollup deltas join the sum kept in
          // memory once it committed (a batch that fails leaves nothing there).
          const state = await this.rollups.apply(fresh.map((event) => asProjectionEvent(event.context.type, event.payload, event.context.time)), rulesOf, true);
          return { count: fresh.length, deltas: state.deltas };
        }),
      );
      if (applied.deltas) this.deltas.merge(applied.deltas);
      this.events += events.length;
      this.duplicates += events.length - applied.count;
      this.applyMs += performance.now() - started;
    } catch (error) {
      if (events.length > 1) {
        // Which event failed: each alone, so the others still count.
        for (const event of events) await this.applyBatch([event]);
        return;
      }
      const [event] = events;
      this.events += 1;
      this.failed += 1;
      this.logger.error(`left out of the new version: ${event?.context.type} ${event?.context.id}: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    // Outside the batch's try: a failed flush must fail the whole rebuild (its deltas are gone, and the batches they
    // came from committed), never be retried as a batch that Kafka redelivers and the dedupe leaves out.
    if (this.deltas.size >= this.deltaRowsBeforeFlush) await this.flushDeltas().catch((error: unknown) => (this.flushFailure ??= error instanceof Error ? error : new Error(String(error))));
  }

  /**
   * Writes the rollup deltas summed since the last flush: one upsert per table, in a transaction of its own. Kept in
   * memory meanwhile without harm: the new version is read by nobody before the switch, which flushes first, and an
   * interrupted rebuild starts over (a new replay group, the staging schema dropped), so no delta needs to outlive
   * the process. A batch redelivered within the run is still left out by `replayed_events`, written with its batch.
   */
  private async flushDeltas(): Promise<void> {
    const deltas = this.deltas;
    this.deltas = new RollupDeltas();
    if (deltas.size === 0) return;
    const started = performance.now();
    await this.txHost.withTransaction(async () => {
      await this.txHost.tx.query(`SET LOCAL search_path TO ${STAGING_SCHEMA}, public`);
      await this.rollups.writeDeltas(deltas);
    });
    this.applyMs += performance.now() - started;
  }

  /** The events of the batch whose id this version has not applied yet, first occurrence only; their ids recorded. */
  private async firstTimeSeen(events: ReplayedEvent[]): Promise<ReplayedEvent[]> {
    const inserted = await this.txHost.tx.query<Array<{ event_id: string }>>(
      `INSERT INTO replayed_events (event_id) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING RETURNING event_id`,
      [events.map((event) => event.context.id)],
    );
    const fresh = new Set(inserted.map((row) => row.event_id));
    return events.filter((event) => fresh.delete(event.context.id));
  }

  /** The new tables in, the old ones out, in one transaction: a reader sees one version or the other. */
  private async switchIn(session: QueryRunner, tables: string[]): Promise<void> {
    await session.startTransaction();
    try {
      await session.query(`CREATE SCHEMA ${RETIRED_SCHEMA}`);
      for (const table of tables) {
        await session.query(`ALTER TABLE public.${table} SET SCHEMA ${RETIRED_SCHEMA}`);
        await session.query(`ALTER TABLE ${STAGING_SCHEMA}.${table} SET SCHEMA public`);
      }
      await session.commitTransaction();
    } catch (error) {
      await session.rollbackTransaction();
      throw error;
    }
  }
}
