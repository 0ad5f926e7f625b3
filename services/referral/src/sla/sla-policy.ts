import { Inject, Injectable } from '@nestjs/common';
import type { ReferralConfig } from '../config';
import { DirectoryReadModel } from '../directory-read-model/directory-read-model';
import { REFERRAL_CONFIG } from '../shared/tokens';
import { businessDeadline } from './business-days';
import type { TimerKind } from './referral-timer.entity';

export interface SlaDelays {
  acknowledgeBusinessDays: number;
  firstContactBusinessDays: number;
  expireAfterDays: number;
  department: string | null;
}

export interface SlaSchedule {
  acknowledgeDueAt: Date;
  firstContactDueAt: Date;
  expiresAt: Date;
  timers: Array<{ kind: TimerKind; dueAt: Date }>;
}

/** The deadlines of a referral sent at `sentAt` under these delays, and the timers that watch them. Pure. */
export function slaSchedule(sentAt: Date, delays: SlaDelays): SlaSchedule {
  const calendar = { department: delays.department };
  const acknowledge = businessDeadline(sentAt, delays.acknowledgeBusinessDays, calendar);
  const firstContact = businessDeadline(sentAt, delays.firstContactBusinessDays, calendar);
  // Expiry counts calendar days: it is the "nobody ever answered" backstop, not a working delay.
  const expiresAt = new Date(sentAt.getTime() + delays.expireAfterDays * 86_400_000);
  return {
    acknowledgeDueAt: acknowledge.dueAt,
    firstContactDueAt: firstContact.dueAt,
    expiresAt,
    timers: [
      { kind: 'acknowledge-reminder', dueAt: acknowledge.remindAt },
      { kind: 'first-contact-reminder', dueAt: firstContact.remindAt },
      { kind: 'expiry', dueAt: expiresAt },
    ],
  };
}

/** Delays per réseau local, from the directory's network snapshots; the configured defaults otherwise. */
@Injectable()
export class SlaPolicy {
  constructor(
    private readonly directory: DirectoryReadModel,
    @Inject(REFERRAL_CONFIG) private readonly config: ReferralConfig,
  ) {}

  async delaysFor(networkId: string | null): Promise<SlaDelays> {
    const network = networkId ? await this.directory.network(networkId) : null;
    if (network && !network.deleted) {
      return {
        acknowledgeBusinessDays: network.acknowledgeBusinessDays,
        firstContactBusinessDays: network.firstContactBusinessDays,
        expireAfterDays: network.expireAfterDays,
        department: network.department,
      };
    }
    return {
      acknowledgeBusinessDays: this.config.REFERRAL_DEFAULT_ACKNOWLEDGE_BUSINESS_DAYS,
      firstContactBusinessDays: this.config.REFERRAL_DEFAULT_FIRST_CONTACT_BUSINESS_DAYS,
      expireAfterDays: this.config.REFERRAL_DEFAULT_EXPIRE_AFTER_DAYS,
      department: null,
    };
  }
}
