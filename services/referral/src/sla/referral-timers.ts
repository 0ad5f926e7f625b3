import { Injectable } from '@nestjs/common';
import type { ReferralStatus } from '@relais/contracts';
import { TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { In } from 'typeorm';
import { isEndState } from '../referral-model/referral-lifecycle';
import { ReferralTimerEntity, type TimerKind } from './referral-timer.entity';
import { SlaPolicy, slaSchedule, type SlaSchedule } from './sla-policy';

/**
 * The SLA timers of referrals, owned here: the referral code asks for a schedule when it sends, starts the
 * timers once the referral row exists, and settles them on every move; the sweeper fires what is left.
 */
@Injectable()
export class ReferralTimers {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly sla: SlaPolicy,
  ) {}

  private get timers() {
    return this.txHost.tx.getRepository(ReferralTimerEntity);
  }

  /** The deadlines of a referral sent now under the delays of its réseau local (the defaults without one). */
  async schedule(sentAt: Date, networkId: string | null): Promise<SlaSchedule> {
    return slaSchedule(sentAt, await this.sla.delaysFor(networkId));
  }

  /** Stores the schedule's timers in the caller's transaction, so a referral never exists without them. */
  async start(referralId: string, schedule: SlaSchedule): Promise<void> {
    await this.timers.insert(schedule.timers.map((timer) => ({ referralId, kind: timer.kind, dueAt: timer.dueAt, firedAt: null })));
  }

  /** Timers that no longer apply once a step is done are dropped, so the sweeper never acts on them. */
  async settle(referralId: string, to: ReferralStatus): Promise<void> {
    if (isEndState(to)) {
      await this.timers.delete({ referralId });
    } else if (to === 'received') {
      await this.timers.delete({ referralId, kind: In(['acknowledge-reminder', 'expiry'] satisfies TimerKind[]) });
    } else if (to === 'in-progress') {
      await this.timers.delete({ referralId, kind: 'first-contact-reminder' });
    }
  }
}
