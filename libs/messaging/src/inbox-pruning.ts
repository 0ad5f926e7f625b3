import { Inject, Injectable } from '@nestjs/common';
import { advisoryLocks, PeriodicJobs, type PeriodicJob } from '@relais/persistence';
import { DataSource } from 'typeorm';
import { deleteInChunks } from './messaging-tables';
import { RESOLVED_MESSAGING_OPTIONS, type ResolvedMessagingOptions } from './messaging-options';

/**
 * Inbox rows (what the consumers already handled, by event id) are deleted once no redelivery can reach
 * them: they outlive the event topics' retention. The inbox belongs to the consuming side
 * (MessageProcessor writes it), not to the outbox relay that used to prune it on its own timer.
 */
@Injectable()
export class InboxPruning {
  readonly job: PeriodicJob<number>;

  constructor(
    jobs: PeriodicJobs,
    private readonly dataSource: DataSource,
    @Inject(RESOLVED_MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
  ) {
    this.job = jobs.define({
      name: 'messaging.inbox-pruning',
      intervalMs: options.relay.housekeepingIntervalMs,
      firstDelayMs: 60_000,
      lock: advisoryLocks.inboxPruning,
      // Chunks of their own: a large backlog never becomes one long transaction.
      transactional: false,
      run: (now, stopping) => this.prune(now, stopping),
    });
  }

  /** Deletes the rows received before the retention; returns how many. */
  private prune(now: Date, stopping: AbortSignal): Promise<number> {
    const before = new Date(now.getTime() - this.options.relay.inboxRetentionMs);
    return deleteInChunks(this.dataSource, (chunk) => [`DELETE FROM messaging_inbox WHERE ctid IN (SELECT ctid FROM messaging_inbox WHERE received_at < $1 LIMIT ${chunk})`, [before]], stopping);
  }
}
