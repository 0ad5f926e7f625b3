import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventPublisher } from '@relais/messaging';
import { advisoryLocks, PeriodicJobs, TransactionHost, type PeriodicJob, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { DIRECTORY_OPTIONS, type DirectoryOptions } from '../config';
import { OpeningIntervals } from '../lieux/opening-intervals';

/** A first round soon after start (the hours of a new day, reminders), then at the configured pace. */
const FIRST_ROUND_MS = 5_000;
/** Structures reminded per round, so one round stays a short transaction. */
const BATCH = 500;

interface StaleRow {
  structure_id: string;
  department: string;
  network_ids: string[];
  stale: Array<{ kind: 'structure' | 'service' | 'lieu'; id: string; lastVerifiedAt: string | null }>;
}

export interface SweepReport {
  ran: boolean;
  reminded: string[];
}

/**
 * Freshness: a record not confirmed for `freshnessMaxAgeDays` is flagged stale wherever it is shown,
 * and its structure is reminded — one `verification-due` event per structure, repeated at most every
 * `reminderIntervalDays` until someone confirms (POST …/structures/{id}/verification) or edits.
 * Both chores are periodic jobs, every `sweepIntervalSeconds` (0: only when asked), one replica at a time.
 */
@Injectable()
export class FreshnessService {
  private readonly logger = new Logger('FreshnessService');
  readonly reminders: PeriodicJob<string[]>;
  readonly openingIntervals: PeriodicJob<number>;

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly events: EventPublisher,
    private readonly intervals: OpeningIntervals,
    @Inject(DIRECTORY_OPTIONS) private readonly options: DirectoryOptions,
    jobs: PeriodicJobs,
  ) {
    const intervalMs = options.sweepIntervalSeconds * 1000;
    this.openingIntervals = jobs.define({
      name: 'directory.opening-intervals',
      intervalMs,
      firstDelayMs: FIRST_ROUND_MS,
      lock: advisoryLocks.directoryOpeningIntervals,
      transactional: true,
      run: (now) => this.intervals.refreshIfStale(now),
    });
    this.reminders = jobs.define({
      name: 'directory.freshness-reminders',
      intervalMs,
      firstDelayMs: FIRST_ROUND_MS,
      lock: advisoryLocks.directoryFreshnessReminders,
      // One batch per round, so a round stays a short transaction.
      transactional: true,
      run: (now) => this.remind(now),
    });
  }

  /** One round of reminders now; `ran: false` while another replica holds the round. */
  async remindStaleStructures(now: Date = new Date()): Promise<SweepReport> {
    const round = await this.reminders.runOnce(now);
    return round.ran ? { ran: true, reminded: round.result } : { ran: false, reminded: [] };
  }

  /** The opening intervals describe the seven days from today: recomputed once the day has changed. */
  async refreshOpeningIntervals(now: Date = new Date()): Promise<number> {
    const round = await this.openingIntervals.runOnce(now);
    return round.ran ? round.result : 0;
  }

  /** Reminds one batch of structures, in the round's transaction; returns their ids. */
  private async remind(now: Date): Promise<string[]> {
    const manager = this.txHost.tx;
    const cutoff = new Date(now.getTime() - this.options.freshnessMaxAgeDays * 86_400_000).toISOString();
    const remindedBefore = new Date(now.getTime() - this.options.reminderIntervalDays * 86_400_000).toISOString();
    const rows: StaleRow[] = await manager.query(
      `SELECT s.id AS structure_id, s.department, s.network_ids, stale.records AS stale
       FROM structure s
       CROSS JOIN LATERAL (
         SELECT jsonb_agg(jsonb_build_object('kind', r.kind, 'id', r.id, 'lastVerifiedAt', to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
                          ORDER BY r.kind, r.id) AS records
         FROM (
           SELECT 'structure' AS kind, s.id, s.last_verified_at AS at WHERE s.last_verified_at IS NULL OR s.last_verified_at < $1
           UNION ALL
           SELECT 'service', o.id, o.last_verified_at FROM offer o
             WHERE o.structure_id = s.id AND NOT o.deleted AND (o.last_verified_at IS NULL OR o.last_verified_at < $1)
           UNION ALL
           SELECT 'lieu', l.id, l.last_verified_at FROM lieu l
             WHERE l.structure_id = s.id AND NOT l.deleted AND (l.last_verified_at IS NULL OR l.last_verified_at < $1)
         ) r
       ) stale
       WHERE NOT s.deleted AND stale.records IS NOT NULL
         AND (s.verification_reminded_at IS NULL OR s.verification_reminded_at < $2)
       ORDER BY s.id
       LIMIT ${BATCH}`,
      [cutoff, remindedBefore],
    );
    for (const row of rows) {
      await this.events.publish('fr.relais.directory.structure.verification-due.v1', {
        structureId: row.structure_id,
        department: row.department,
        networkIds: row.network_ids,
        maxAgeDays: this.options.freshnessMaxAgeDays,
        staleRecords: row.stale,
        at: now.toISOString(),
      });
    }
    if (rows.length > 0) {
      await manager.query(`UPDATE structure SET verification_reminded_at = $1 WHERE id = ANY($2::uuid[])`, [now.toISOString(), rows.map((r) => r.structure_id)]);
      this.logger.log(`${rows.length} structure(s) relancée(s) pour vérifier leurs fiches`);
    }
    return rows.map((row) => row.structure_id);
  }
}
