import { Inject, Injectable } from '@nestjs/common';
import { advisoryLocks, PeriodicJobs, type AdvisoryLockKey, type PeriodicJob } from '@relais/persistence';
import { DataSource } from 'typeorm';
import { deleteInChunks } from './messaging-tables';
import { RESOLVED_MESSAGING_OPTIONS, type ResolvedMessagingOptions } from './messaging-options';

/** One messaging table's pruning: rows older than the retention, deleted in chunks of their own transactions. */
function pruningJob(
  jobs: PeriodicJobs,
  dataSource: DataSource,
  options: ResolvedMessagingOptions,
  table: { name: string; lock: AdvisoryLockKey; retentionMs: number; deleteOlderThan: (chunk: number) => string },
): PeriodicJob<number> {
  return jobs.define({
    name: table.name,
    intervalMs: options.relay.housekeepingIntervalMs,
    firstDelayMs: 60_000,
    lock: table.lock,
    // Chunks of their own: a large backlog never becomes one long transaction.
    transactional: false,
    run: (now, stopping) =>
      deleteInChunks(dataSource, (chunk) => [table.deleteOlderThan(chunk), [new Date(now.getTime() - table.retentionMs)]], stopping),
  });
}

/**
 * Sent outbox rows are kept a day to investigate, then deleted. The outbox belongs to the publishing
 * side (EventPublisher writes it, OutboxRelay marks it sent); its pruning is a job of its own rather
 * than a step of the relay's loop, so the relay only relays.
 */
@Injectable()
export class OutboxPruning {
  readonly job: PeriodicJob<number>;

  constructor(jobs: PeriodicJobs, dataSource: DataSource, @Inject(RESOLVED_MESSAGING_OPTIONS) options: ResolvedMessagingOptions) {
    this.job = pruningJob(jobs, dataSource, options, {
      name: 'messaging.outbox-pruning',
      lock: advisoryLocks.outboxPruning,
      retentionMs: options.relay.outboxRetentionMs,
      deleteOlderThan: (chunk) => `DELETE FROM messaging_outbox WHERE id IN (SELECT id FROM messaging_outbox WHERE sent_at < $1 LIMIT ${chunk})`,
    });
  }
}

/**
 * Inbox rows (what the consumers already handled, by event id) are deleted once no redelivery can reach
 * them: they outlive the event topics' retention. The inbox belongs to the consuming side
 * (MessageProcessor writes it), not to the outbox relay that used to prune it on its own timer.
 */
@Injectable()
export class InboxPruning {
  readonly job: PeriodicJob<number>;

  constructor(jobs: PeriodicJobs, dataSource: DataSource, @Inject(RESOLVED_MESSAGING_OPTIONS) options: ResolvedMessagingOptions) {
    this.job = pruningJob(jobs, dataSource, options, {
      name: 'messaging.inbox-pruning',
      lock: advisoryLocks.inboxPruning,
      retentionMs: options.relay.inboxRetentionMs,
      deleteOlderThan: (chunk) => `DELETE FROM messaging_inbox WHERE ctid IN (SELECT ctid FROM messaging_inbox WHERE received_at < $1 LIMIT ${chunk})`,
    });
  }
}
