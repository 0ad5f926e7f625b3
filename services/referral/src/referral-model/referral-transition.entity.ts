import type { ReferralStatus } from '@relais/contracts';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Party } from './referral-lifecycle';

/** One line of a referral's history: who moved it, when, from what to what, and why. */
@Entity('referral_transitions')
export class ReferralTransitionEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column('uuid', { name: 'referral_id' }) referralId!: string;
  @Column('text', { name: 'from_status' }) fromStatus!: ReferralStatus;
  @Column('text', { name: 'to_status' }) toStatus!: ReferralStatus;
  @Column('text', { name: 'actor_party' }) actorParty!: Party;
  @Column('text', { name: 'actor_role' }) actorRole!: string;
  @Column('uuid', { name: 'actor_structure_id', nullable: true }) actorStructureId!: string | null;
  @Column('text', { name: 'actor_subject' }) actorSubject!: string;
  @Column('text', { name: 'reason_code', nullable: true }) reasonCode!: string | null;
  /** Free text, sealed under the person's key: it may say things about the person. */
  @Column('bytea', { name: 'comment_sealed', nullable: true }) commentSealed!: Buffer | null;
  @Column('uuid', { name: 'redirected_to_referral_id', nullable: true }) redirectedToReferralId!: string | null;
  @Column('timestamptz') at!: Date;
}
