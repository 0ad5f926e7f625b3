import { Inject, Injectable } from '@nestjs/common';
import { EventPublisher } from '@relais/messaging';
import { advisoryLocks, PeriodicJobs, Transactional, TransactionHost, type PeriodicJob, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { Clock } from '@relais/platform';
import type { ReferralConfig } from '../config';
import { eventParties } from '../referral-model/referral-events';
import { ReferralMover } from '../referral-model/referral-mover';
import { ReferralEntity } from '../referral-model/referral.entity';
import { REFERRAL_CONFIG } from '../shared/tokens';
import { ReferralTimerEntity, type TimerKind } from './referral-timer.entity';

const BATCH = 100;

export interface SweepReport {
  reminders: number;
  expired: number;
  dropped: number;
}

/**
 * Fires the stored SLA timers that are due by the service's clock: reminders before each deadline,
 * expiry of referrals nobody acknowledged. Timers live in the database, so a restart loses none; a
 * timer whose step was done in the meantime is dropped without effect.
 */
@Injectable()
export class SlaSweeper {
  /** Every REFERRAL_SLA_SWEEP_INTERVAL_MS (0: only when asked), one replica at a time. */
  readonly job: PeriodicJob<SweepReport>;

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly referrals: ReferralMover,
    private readonly publisher: EventPublisher,
    jobs: PeriodicJobs,
    clock: Clock,
    @Inject(REFERRAL_CONFIG) config: ReferralConfig,
  ) {
    this.job = jobs.define({
      name: 'referral.sla-sweep',
      intervalMs: config.REFERRAL_SLA_SWEEP_INTERVAL_MS,
      firstDelayMs: config.REFERRAL_SLA_SWEEP_INTERVAL_MS,
      lock: advisoryLocks.referralSlaSweep,
      // A transaction per batch: a backlog of due timers never becomes one long transaction.
      transactional: false,
      clock: () => clock.now(),
      run: (now) => this.sweepDue(now),
    });
  }

  /** One round now, by the service's clock; nothing done while another replica sweeps. */
  async sweep(): Promise<SweepReport> {
    const round = await this.job.runOnce();
    return round.ran ? round.result : { reminders: 0, expired: 0, dropped: 0 };
  }

  /** Sweeps until no due timer is left. */
  private async sweepDue(now: Date): Promise<SweepReport> {
    const report: SweepReport = { reminders: 0, expired: 0, dropped: 0 };
    for (;;) {
      const batch = await this.sweepBatch(now);
      report.reminders += batch.reminders;
      report.expired += batch.expired;
      report.dropped += batch.dropped;
      if (batch.reminders + batch.expired + batch.dropped < BATCH) break;
    }
    return report;
  }

  @Transactional()
  private async sweepBatch(now: Date): Promise<SweepReport> {
    const tx = this.txHost.tx;
    const due: Array<{ referral_id: string; kind: TimerKind }> = await tx.query(
      `SELECT referral_id, kind FROM referral_timers WHERE fired_at IS NULL AND due_at <= $1 ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now, BATCH],
    );
    const report: SweepReport = { reminders: 0, expired: 0, dropped: 0 };
    const timers = tx.getRepository(ReferralTimerEntity);
    for (const timer of due) {
      // The referral is locked for the reminder's time, so a move happening right now cannot be reminded
      // about after it was made. One a request holds is skipped (not waited for: the request may be
      // waiting on this timer's row) and swept next round.
      const referral = await tx
        .getRepository(ReferralEntity)
        .findOne({ where: { id: timer.referral_id }, lock: { mode: 'pessimistic_write', onLocked: 'skip_locked' } });
      if (!referral) continue;
      if (timer.kind === 'expiry') {
        if (referral.status === 'requested') {
          await this.referrals.move(referral.id, 'expired', { kind: 'system' }, { reasonCode: 'delai-de-prise-en-compte-depasse' });
          report.expired += 1;
        } else {
          await timers.delete({ referralId: referral.id, kind: timer.kind });
          report.dropped += 1;
        }
        continue;
      }
      const deadline = timer.kind === 'acknowledge-reminder' ? 'acknowledge' : 'first-contact';
      const stillOwed = deadline === 'acknowledge' ? referral.status === 'requested' : referral.status === 'received' || referral.status === 'accepted';
      if (!stillOwed) {
        await timers.delete({ referralId: referral.id, kind: timer.kind });
        report.dropped += 1;
        continue;
      }
      await this.publisher.publish(
        'fr.relais.referral.referral.reminder-due.v1',
        {
          ...eventParties(referral),
          deadline,
          dueAt: (deadline === 'acknowledge' ? referral.acknowledgeDueAt : referral.firstContactDueAt).toISOString(),
          at: now.toISOString(),
        },
        { time: now },
      );
      await timers.update({ referralId: referral.id, kind: timer.kind }, { firedAt: now });
      report.reminders += 1;
    }
    return report;
  }
}
