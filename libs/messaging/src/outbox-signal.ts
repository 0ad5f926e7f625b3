import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager, type EntitySubscriberInterface, type QueryRunner, type TransactionCommitEvent, type TransactionRollbackEvent } from 'typeorm';
import { OUTBOX_CHANNEL } from './messaging-tables';
import { OutboxRelay } from './outbox-relay';

/** Set on the query runner of a transaction that wrote outbox rows. */
const WROTE_EVENTS = Symbol('relais.outbox.wroteEvents');

/**
 * Wakes the relay once a transaction that wrote events has committed, outside that transaction.
 *
 * A `NOTIFY` issued inside the business transaction would be simpler, but PostgreSQL serializes the
 * commits of all transactions that notified (a cluster-wide lock held from before the commit record
 * until after its WAL flush), so every publishing transaction would commit alone, one fsync each.
 * Instead the publisher marks its transaction, and after the outer COMMIT this signal:
 * - wakes the relay of this process directly when it is the leader (no database round trip);
 * - otherwise sends a `NOTIFY` for the leader in another replica, in a statement of its own whose
 *   commit does not wait for the WAL flush, and coalesced: while one is in flight, commits that
 *   follow ask for one more after it, never for one each.
 * A wake-up is only ever an optimisation: the relay polls anyway, so a lost one delays, never loses.
 */
@Injectable()
export class OutboxSignal implements EntitySubscriberInterface, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('OutboxRelay');
  private notifying: Promise<void> | undefined;
  private notifyAgain = false;
  private warned = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly relay: OutboxRelay,
  ) {}

  onModuleInit(): void {
    if (!this.subscribed) this.dataSource.subscribers.push(this);
  }

  onModuleDestroy(): void {
    const index = this.dataSource.subscribers.indexOf(this);
    if (index >= 0) this.dataSource.subscribers.splice(index, 1);
  }

  /**
   * Asks for a wake-up when the transaction of `manager` commits. False when that commit cannot be
   * observed (no TypeORM query runner in a transaction): the caller then notifies inside it.
   */
  afterCommitOf(manager: EntityManager): boolean {
    const runner = manager.queryRunner;
    if (!runner?.isTransactionActive || runner.dataSource !== this.dataSource || !this.subscribed) return false;
    (runner.data as Record<symbol, unknown>)[WROTE_EVENTS] = true;
    return true;
  }

  /** TypeORM calls this after every COMMIT and RELEASE SAVEPOINT; only the outer commit counts. */
  afterTransactionCommit(event: TransactionCommitEvent): void {
    if (takeMark(event.queryRunner)) this.wake();
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    takeMark(event.queryRunner);
  }

  private get subscribed(): boolean {
    return this.dataSource.subscribers.includes(this);
  }

  private wake(): void {
    if (this.relay.isLeader) {
      this.relay.wake();
      return;
    }
    if (this.notifying) {
      // The NOTIFY in flight may reach the leader before this commit is visible to it: one more after it.
      this.notifyAgain = true;
      return;
    }
    this.notifying = this.notifyLeader().finally(() => {
      this.notifying = undefined;
    });
  }

  private async notifyLeader(): Promise<void> {
    do {
      this.notifyAgain = false;
      try {
        await this.dataSource.query(`SELECT set_config('synchronous_commit', 'off', true), pg_notify($1, '')`, [OUTBOX_CHANNEL]);
        this.warned = false;
      } catch (error) {
        // Once per outage: the relay's poll covers what the notification would have hastened.
        if (!this.warned) this.logger.warn(`cannot notify the outbox relay (it will poll): ${error instanceof Error ? error.message : String(error)}`);
        this.warned = true;
        return;
      }
    } while (this.notifyAgain);
  }
}

/** True once per outer transaction end that carried the mark (a released or rolled back savepoint keeps it). */
function takeMark(runner: QueryRunner): boolean {
  const data = runner.data as Record<symbol, unknown> | undefined;
  if (runner.isTransactionActive || !data?.[WROTE_EVENTS]) return false;
  delete data[WROTE_EVENTS];
  return true;
}
