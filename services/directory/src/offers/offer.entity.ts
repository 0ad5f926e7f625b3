import { Column, Entity, PrimaryColumn } from 'typeorm';
import { DirectoryRecord } from '../shared/record';
import type { ReferralMethodKind } from '../shared/vocabulary';

export interface ReferralMethod {
  kind: ReferralMethodKind;
  /** Address, number or URL; null for `relais` (the platform itself). */
  value: string | null;
}

/**
 * A service (an offer) of a structure: what it does, for whom, how, at which lieux, with what room.
 * Called Offer in the code so it is never confused with a Nest service; the API and events say service.
 */
@Entity('offer')
export class Offer extends DirectoryRecord {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'structure_id', type: 'uuid' })
  structureId!: string;

  @Column('text')
  name!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'text', array: true })
  roles!: string[];

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  thematiques!: string[];

  @Column({ type: 'text', array: true, default: () => "'{tous-publics}'" })
  publics!: string[];

  @Column({ type: 'text', array: true, default: () => "'{fr}'" })
  languages!: string[];

  @Column({ name: 'accessibility_features', type: 'text', array: true, default: () => "'{}'" })
  accessibilityFeatures!: string[];

  @Column({ type: 'text', array: true, default: () => "'{sur-place}'" })
  modalities!: string[];

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  fees!: string[];

  @Column({ name: 'fees_details', type: 'text', nullable: true })
  feesDetails!: string | null;

  @Column({ name: 'referral_methods', type: 'jsonb', default: () => "'[]'" })
  referralMethods!: ReferralMethod[];

  @Column({ name: 'accepts_relais_referrals', type: 'boolean', default: false })
  acceptsRelaisReferrals!: boolean;

  /** Where referrals to this service are emailed; null: its structure's address. */
  @Column({ name: 'referral_email', type: 'text', nullable: true })
  referralEmail!: string | null;

  @Column({ type: 'text', default: 'active' })
  status!: string;

  @Column({ name: 'suspended_until', type: 'date', nullable: true })
  suspendedUntil!: string | null;

  @Column({ name: 'open_slots_per_week', type: 'integer', nullable: true })
  openSlotsPerWeek!: number | null;

  @Column({ name: 'waiting_days', type: 'integer', nullable: true })
  waitingDays!: number | null;

  @Column({ name: 'capacity_updated_at', type: 'timestamptz', nullable: true })
  capacityUpdatedAt!: Date | null;

  @Column({ name: 'capacity_updated_by', type: 'text', nullable: true })
  capacityUpdatedBy!: string | null;

  /** Copied from the structure at each write, so the search filters on one table. */
  @Column({ name: 'network_ids', type: 'uuid', array: true, default: () => "'{}'" })
  networkIds!: string[];

  /** Name, description, structure name, thématiques in words: what `q` searches (see the migration). */
  @Column({ name: 'search_text', type: 'text', default: '' })
  searchText!: string;

  @Column({ type: 'text', nullable: true })
  source!: string | null;

  @Column({ name: 'source_id', type: 'text', nullable: true })
  sourceId!: string | null;
}

@Entity('offer_lieu')
export class OfferLieu {
  @PrimaryColumn({ name: 'offer_id', type: 'uuid' })
  offerId!: string;

  @PrimaryColumn({ name: 'lieu_id', type: 'uuid' })
  lieuId!: string;
}
