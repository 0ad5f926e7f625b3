import { Column, Entity, PrimaryColumn } from 'typeorm';
import { DirectoryRecord } from '../shared/record';

export interface StructureContact {
  email: string | null;
  phone: string | null;
  website: string | null;
}

/** The person who answers for referrals and for the directory entry (professional contact). */
export interface Referent {
  name: string;
  role: string | null;
  email: string | null;
  phone: string | null;
}

@Entity('structure')
export class Structure extends DirectoryRecord {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  name!: string;

  @Column({ type: 'char', length: 14, nullable: true })
  siret!: string | null;

  @Column({ type: 'text', nullable: true })
  rna!: string | null;

  @Column('text')
  typology!: string;

  @Column({ name: 'parent_structure_id', type: 'uuid', nullable: true })
  parentStructureId!: string | null;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  contact!: StructureContact;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  referents!: Referent[];

  /** Where referrals to this structure's services are emailed (a functional mailbox), unless a service has its own. */
  @Column({ name: 'referral_email', type: 'text', nullable: true })
  referralEmail!: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  labels!: string[];

  @Column({ name: 'network_ids', type: 'uuid', array: true, default: () => "'{}'" })
  networkIds!: string[];

  @Column({ name: 'commune_code', type: 'text', nullable: true })
  communeCode!: string | null;

  @Column('text')
  department!: string;

  @Column({ type: 'text', nullable: true })
  source!: string | null;

  @Column({ name: 'source_id', type: 'text', nullable: true })
  sourceId!: string | null;

  @Column({ name: 'verification_reminded_at', type: 'timestamptz', nullable: true })
  verificationRemindedAt!: Date | null;
}
