import { Injectable } from '@nestjs/common';
import { advisoryLocks, PeriodicJobs, type PeriodicJob } from '@relais/persistence';
import { Clock } from '@relais/platform';
import { Idempotency } from './idempotency';

const HOUR_MS = 3_600_000;

/**
 * Forgets remembered Idempotency-Key responses past their time to live, once an hour. Only a matter
 * of space: a claim already treats an expired key as free, so an hour's lag changes no answer. Its own
 * job, not a step of the SLA sweep it used to ride on.
 */
@Injectable()
export class IdempotencyPurge {
  readonly job: PeriodicJob<number>;

  constructor(jobs: PeriodicJobs, idempotency: Idempotency, clock: Clock) {
    this.job = jobs.define({
      name: 'referral.idempotency-purge',
      intervalMs: HOUR_MS,
      firstDelayMs: 60_000,
      lock: advisoryLocks.referralIdempotencyPurge,
      transactional: true,
      clock: () => clock.now(),
      run: (now) => idempotency.purgeExpired(now),
    });
  }
}
