import type { ReferralStatus } from '@relais/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

export const contactPreferences = ['phone', 'email', 'sms', 'referent', 'none'] as const;
export type ContactPreference = (typeof contactPreferences)[number];
/**
 * What the person agrees to share with the receiver: how to reach them, why they are referred, their
 * diagnostic — and `journey`: that this step may be shown in full to the other structures of their parcours.
 */
export const consentScopes = ['contact', 'reason', 'assessment', 'journey'] as const;
export type ConsentScope = (typeof consentScopes)[number];
export const consentMethods = ['oral', 'written', 'electronic'] as const;
export type ConsentMethod = (typeof consentMethods)[number];
/** With whom the person agreed to share: the receiving service only, or also the services it redirects to. */
export const consentSharedWith = ['receiver', 'receiver-and-redirects'] as const;
export type ConsentSharedWith = (typeof consentSharedWith)[number];
export const urgencies = ['normal', 'urgent'] as const;
export type Urgency = (typeof urgencies)[number];
export const autonomyGains = ['aucun', 'partiel', 'complet'] as const;
export type AutonomyGain = (typeof autonomyGains)[number];

/**
 * One referral (orientation). Direct identifiers and free text are only in the `*Sealed` columns,
 * encrypted under the person's key; everything else is pseudonymous and survives erasure.
 */
@Entity('referrals')
export class ReferralEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text', { name: 'person_ref' }) personRef!: string;
  @Column('uuid', { name: 'previous_referral_id', nullable: true }) previousReferralId!: string | null;
  @Column('text') status!: ReferralStatus;
  @Column('uuid', { name: 'sending_structure_id' }) sendingStructureId!: string;
  @Column('text', { name: 'sender_subject' }) senderSubject!: string;
  @Column('text', { name: 'sender_role' }) senderRole!: string;
  @Column('uuid', { name: 'receiving_service_id' }) receivingServiceId!: string;
  @Column('uuid', { name: 'receiving_structure_id' }) receivingStructureId!: string;
  /** The réseau local whose delays apply (the receiving side's). */
  @Column('uuid', { name: 'network_id', nullable: true }) networkId!: string | null;
  /** Every réseau local of either side: their coordinators follow the referral. */
  @Column('uuid', { name: 'network_ids', array: true }) networkIds!: string[];
  @Column('text', { array: true }) needs!: string[];
  @Column('text') urgency!: Urgency;
  @Column('uuid', { name: 'assessment_id', nullable: true }) assessmentId!: string | null;
  @Column('text', { name: 'contact_preference' }) contactPreference!: ContactPreference;
  @Column('bytea', { name: 'person_sealed', nullable: true }) personSealed!: Buffer | null;
  @Column('bytea', { name: 'reason_sealed', nullable: true }) reasonSealed!: Buffer | null;
  @Column('text', { name: 'consent_scope', array: true }) consentScope!: ConsentScope[];
  @Column('text', { name: 'consent_method' }) consentMethod!: ConsentMethod;
  @Column('text', { name: 'consent_shared_with' }) consentSharedWith!: ConsentSharedWith;
  @Column('timestamptz', { name: 'consent_obtained_at' }) consentObtainedAt!: Date;
  @Column('text', { name: 'consent_obtained_by' }) consentObtainedBy!: string;
  @Column('timestamptz', { name: 'consent_expires_at', nullable: true }) consentExpiresAt!: Date | null;
  @Column('timestamptz', { name: 'consent_revoked_at', nullable: true }) consentRevokedAt!: Date | null;
  @Column('text', { name: 'consent_revoked_by', nullable: true }) consentRevokedBy!: string | null;
  @Column('bytea', { name: 'outcome_summary_sealed', nullable: true }) outcomeSummarySealed!: Buffer | null;
  @Column('text', { name: 'outcome_autonomy_gained', nullable: true }) outcomeAutonomyGained!: AutonomyGain | null;
  @Column('text', { name: 'outcome_next_step', nullable: true }) outcomeNextStep!: string | null;
  @Column('timestamptz', { name: 'acknowledge_due_at' }) acknowledgeDueAt!: Date;
  @Column('timestamptz', { name: 'first_contact_due_at' }) firstContactDueAt!: Date;
  @Column('timestamptz', { name: 'expires_at' }) expiresAt!: Date;
  @Column('timestamptz', { name: 'acknowledged_at', nullable: true }) acknowledgedAt!: Date | null;
  @Column('timestamptz', { name: 'first_contact_at', nullable: true }) firstContactAt!: Date | null;
  @Column('timestamptz', { name: 'closed_at', nullable: true }) closedAt!: Date | null;
  @Column('timestamptz', { name: 'person_erased_at', nullable: true }) personErasedAt!: Date | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'status_changed_at' }) statusChangedAt!: Date;
}
