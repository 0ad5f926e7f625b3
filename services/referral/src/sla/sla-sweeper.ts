import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EventPublisher } from '@relais/messaging';
import { Transactional, TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { Clock } from '@relais/platform';
import type { ReferralConfig } from '../config';
import { Idempotency } from '../idempotency/idempotency';
import { eventParties } from '../referral-model/referral-events';
import { ReferralMover } from '../referral-model/referral-mover';
import { ReferralEntity } from '../referral-model/referral.entity';
import { REFERRAL_CONFIG } from '../shared/tokens';
import { ReferralTimerEntity, type TimerKind } from './referral-timer.entity';

/** Transaction-scoped advisory lock: one replica sweeps at a time, and a crash releases it with the transaction. */
export const SLA_SWEEP_LOCK_KEY = 0x52454c534c41; // "RELSLA", within 2^53 so JavaScript holds it exactly
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
export class SlaSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SlaSweeper.name);
  private interval: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly referrals: ReferralMover,
    private readonly publisher: EventPublisher,
    private readonly idempotency: Idempotency,
    private readonly clock: Clock,
    @Inject(REFERRAL_CONFIG) private readonly config: ReferralConfig,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.config.REFERRAL_SLA_SWEEP_INTERVAL_MS;
    if (every > 0) {
      this.interval = setInterval(() => {
        if (this.running) return;
        this.running = this.sweep()
          .catch((error: unknown) => this.logger.error({ err: error }, 'SLA sweep failed; the next one retries'))
          .finally(() => (this.running = undefined));
      }, every);
      this.interval.unref();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.interval);
    await this.running;
  }

  /** Sweeps until no due timer is left (or another replica holds the lock). */
  async sweep(): Promise<SweepReport> {
    const report: SweepReport = { reminders: 0, expired: 0, dropped: 0 };
    for (;;) {
      const batch = await this.sweepBatch();
      if (batch === null) break;
      report.reminders += batch.reminders;
      report.expired += batch.expired;
      report.dropped += batch.dropped;
      if (batch.reminders + batch.expired + batch.dropped < BATCH) break;
    }
    await this.purgeIdempotencyKeys();
    return report;
  }

  @Transactional()
  private async purgeIdempotencyKeys(): Promise<void> {
    await this.idempotency.purge();
  }

  @Transactional()
  private async sweepBatch(): Promise<SweepReport | null> {
    const tx = this.txHost.tx;
    const [lock] = await tx.query<Array<{ locked: boolean }>>(`SELECT pg_try_advisory_xact_lock($1) AS locked`, [SLA_SWEEP_LOCK_KEY]);
    if (!lock?.locked) return null;
    const now = this.clock.now();
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
