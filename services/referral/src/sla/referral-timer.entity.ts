import { Column, Entity, PrimaryColumn } from 'typeorm';

export const timerKinds = ['acknowledge-reminder', 'first-contact-reminder', 'expiry'] as const;
export type TimerKind = (typeof timerKinds)[number];

/** A stored SLA deadline of one referral; `firedAt` is set once the sweeper has acted on it (or it no longer applies). */
@Entity('referral_timers')
export class ReferralTimerEntity {
  @PrimaryColumn('uuid', { name: 'referral_id' }) referralId!: string;
  @PrimaryColumn('text') kind!: TimerKind;
  @Column('timestamptz', { name: 'due_at' }) dueAt!: Date;
  @Column('timestamptz', { name: 'fired_at', nullable: true }) firedAt!: Date | null;
}
