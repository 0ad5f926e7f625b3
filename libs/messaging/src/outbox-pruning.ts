import { Inject, Injectable } from '@nestjs/common';
import { advisoryLocks, PeriodicJobs, type PeriodicJob } from '@relais/persistence';
import { DataSource } from 'typeorm';
import { deleteInChunks } from './messaging-tables';
import { RESOLVED_MESSAGING_OPTIONS, type ResolvedMessagingOptions } from './messaging-options';

/**
 * Sent outbox rows are kept a day to investigate, then deleted. The outbox belongs to the publishing
 * side (EventPublisher writes it, OutboxRelay marks it sent); its pruning is a job of its own rather
 * than a step of the relay's loop, so the relay only relays.
 */
@Injectable()
export class OutboxPruning {
  readonly job: PeriodicJob<number>;

  constructor(
    jobs: PeriodicJobs,
    private readonly dataSource: DataSource,
    @Inject(RESOLVED_MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
  ) {
    this.job = jobs.define({
      name: 'messaging.outbox-pruning',
      intervalMs: options.relay.housekeepingIntervalMs,
      firstDelayMs: 60_000,
      lock: advisoryLocks.outboxPruning,
      // Chunks of their own: a large backlog never becomes one long transaction.
      transactional: false,
      run: (now, stopping) => this.prune(now, stopping),
    });
  }

  /** Deletes the rows sent before the retention; returns how many. */
  private prune(now: Date, stopping: AbortSignal): Promise<number> {
    const before = new Date(now.getTime() - this.options.relay.outboxRetentionMs);
    return deleteInChunks(this.dataSource, (chunk) => [`DELETE FROM messaging_outbox WHERE id IN (SELECT id FROM messaging_outbox WHERE sent_at < $1 LIMIT ${chunk})`, [before]], stopping);
  }
}
