import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager, QueryRunner, TransactionCommitEvent } from 'typeorm';
import type { OutboxRelay } from './outbox-relay';
import { OutboxSignal } from './outbox-signal';

/** A data source that records NOTIFYs (each held until the test lets it finish) and a relay that may lead. */
function setup({ leader }: { leader: boolean }) {
  const notifies: Array<() => void> = [];
  const dataSource = {
    subscribers: [] as unknown[],
    query: (sql: string) => {
      expect(sql).toMatch(/set_config\('synchronous_commit', 'off', true\), pg_notify/);
      return new Promise<void>((resolve) => notifies.push(resolve));
    },
  };
  let wakes = 0;
  const relay = {
    isLeader: leader,
    wake: () => {
      wakes += 1;
    },
  };
  const signal = new OutboxSignal(dataSource as unknown as DataSource, relay as unknown as OutboxRelay);
  signal.onModuleInit();
  const transaction = () => {
    const runner = { dataSource, isTransactionActive: true, data: {} } as unknown as QueryRunner & { isTransactionActive: boolean };
    const manager = { queryRunner: runner } as unknown as EntityManager;
    const event = { queryRunner: runner } as unknown as TransactionCommitEvent;
    return {
      manager,
      /** RELEASE SAVEPOINT: TypeORM reports it as a commit, the transaction still active. */
      releaseSavepoint: () => signal.afterTransactionCommit(event),
      commit: () => {
        runner.isTransactionActive = false;
        signal.afterTransactionCommit(event);
      },
      rollback: () => {
        runner.isTransactionActive = false;
        signal.afterTransactionRollback(event);
      },
    };
  };
  return { signal, dataSource, notifies, wakes: () => wakes, transaction };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('OutboxSignal', () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  it('subscribes to the data source once, and only marks active transactions of that data source', () => {
    const { signal, dataSource, transaction } = setup({ leader: true });
    signal.onModuleInit();
    expect(dataSource.subscribers).toEqual([signal]);
    expect(signal.afterCommitOf(transaction().manager)).toBe(true);
    expect(signal.afterCommitOf({} as EntityManager)).toBe(false);
    expect(signal.afterCommitOf({ queryRunner: { dataSource: {}, isTransactionActive: true, data: {} } } as unknown as EntityManager)).toBe(false);
    expect(signal.afterCommitOf({ queryRunner: { dataSource, isTransactionActive: false, data: {} } } as unknown as EntityManager)).toBe(false);
    signal.onModuleDestroy();
    expect(dataSource.subscribers).toEqual([]);
    expect(signal.afterCommitOf(transaction().manager)).toBe(false);
  });

  it('wakes the local leader after the outer commit only: not on a savepoint, not on rollback, not without events', () => {
    const { signal, notifies, wakes, transaction } = setup({ leader: true });
    const published = transaction();
    signal.afterCommitOf(published.manager);
    published.releaseSavepoint();
    expect(wakes()).toBe(0);
    published.commit();
    expect(wakes()).toBe(1);

    const rolledBack = transaction();
    signal.afterCommitOf(rolledBack.manager);
    rolledBack.rollback();
    transaction().commit();
    expect(wakes()).toBe(1);
    expect(notifies).toHaveLength(0);
  });

  it('notifies the leader of another replica after commits, one NOTIFY in flight and one more for the commits behind it', async () => {
    const { signal, notifies, wakes, transaction } = setup({ leader: false });
    const commitOne = () => {
      const tx = transaction();
      signal.afterCommitOf(tx.manager);
      tx.commit();
    };
    commitOne();
    expect(notifies).toHaveLength(1);
    // Three more commits while the first NOTIFY is in flight: it may arrive before they are visible.
    commitOne();
    commitOne();
    commitOne();
    expect(notifies).toHaveLength(1);
    notifies[0]?.();
    await settle();
    expect(notifies).toHaveLength(2);
    notifies[1]?.();
    await settle();
    expect(notifies).toHaveLength(2);
    commitOne();
    expect(notifies).toHaveLength(3);
    expect(wakes()).toBe(0);
  });
});
