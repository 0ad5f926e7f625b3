import { Inject, Injectable, Optional, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Propagation, TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { runsWorkers, SERVICE_ROLE, type ServiceRole } from '@relais/platform';
import { DataSource } from 'typeorm';
import type { AdvisoryLockKey } from './advisory-locks';
import { nodeTimers, PeriodicJob, type JobLocks, type JobRound, type JobTimers, type PeriodicJobDefinition } from './periodic-job';

/** Injection token of the locks the jobs take (PostgresJobLocks in a service). */
export const JOB_LOCKS = Symbol('JOB_LOCKS');

/** Advisory locks in the service database, taken without blocking: a replica that finds one held skips the round. */
@Injectable()
export class PostgresJobLocks implements JobLocks {
  constructor(
    private readonly dataSource: DataSource,
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
  ) {}

  async exclusive<R>(lock: AdvisoryLockKey | null, transactional: boolean, work: () => Promise<R>): Promise<JobRound<R>> {
    if (transactional) {
      // A transaction of its own even when called from inside one: the lock must end with the round.
      return this.txHost.withTransaction(Propagation.RequiresNew, async (): Promise<JobRound<R>> => {
        if (lock !== null) {
          const [row] = await this.txHost.tx.query<Array<{ locked: boolean }>>('SELECT pg_try_advisory_xact_lock($1) AS locked', [lock]);
          if (row?.locked !== true) return { ran: false };
        }
        return { ran: true, result: await work() };
      });
    }
    if (lock === null) return { ran: true, result: await work() };
    // The work opens its own transactions on the pool; the lock lives in a transaction on a connection
    // of its own, so it ends with that transaction (or with the connection) whatever the work does.
    const holder = this.dataSource.createQueryRunner();
    await holder.connect();
    try {
      await holder.startTransaction();
      try {
        const rows = await holder.manager.query<Array<{ locked: boolean }>>('SELECT pg_try_advisory_xact_lock($1) AS locked', [lock]);
        if (rows[0]?.locked !== true) return { ran: false };
        return { ran: true, result: await work() };
      } finally {
        await holder.rollbackTransaction();
      }
    } finally {
      await holder.release();
    }
  }
}

/**
 * The service's periodic jobs: each chore's module defines its own (in its constructor), and they all
 * start with the application, in processes that run workers only (RELAIS_SERVICE_ROLE `all` or
 * `consumers`; without PlatformModule, as `all`).
 *
 * Stopped before the application shutdown rather than on it: the TypeORM data source closes on
 * `onApplicationShutdown` of a global module like this one, in an order Nest does not promise, and a
 * round in flight must finish while its connections are still there (as MessagingLifecycle does).
 */
@Injectable()
export class PeriodicJobs implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly jobs: Array<PeriodicJob<unknown>> = [];
  private started = false;

  constructor(
    @Inject(JOB_LOCKS) private readonly locks: JobLocks,
    @Optional() @Inject(SERVICE_ROLE) private readonly role: ServiceRole = 'all',
  ) {}

  define<R>(definition: PeriodicJobDefinition<R>, timers: JobTimers = nodeTimers): PeriodicJob<R> {
    if (this.jobs.some((job) => job.name === definition.name)) throw new Error(`periodic job ${definition.name} is defined twice`);
    const job = new PeriodicJob(definition, this.locks, timers);
    this.jobs.push(job);
    if (this.started) job.start();
    return job;
  }

  onApplicationBootstrap(): void {
    if (!runsWorkers(this.role)) return;
    this.started = true;
    for (const job of this.jobs) job.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.started = false;
    await Promise.all(this.jobs.map((job) => job.stop()));
  }
}
