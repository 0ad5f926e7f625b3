import { Column, Entity, PrimaryColumn } from 'typeorm';
import { DirectoryRecord } from '../shared/record';

export interface Coordinator {
  name: string;
  email: string | null;
  phone: string | null;
}

/** A réseau local: the communes it covers, its coordinators and the delays its members commit to. */
@Entity('network')
export class Network extends DirectoryRecord {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  name!: string;

  @Column('text')
  department!: string;

  @Column({ name: 'commune_codes', type: 'text', array: true, default: () => "'{}'" })
  communeCodes!: string[];

  @Column({ type: 'jsonb', default: () => "'[]'" })
  coordinators!: Coordinator[];

  @Column({ name: 'sla_acknowledge_business_days', type: 'integer', default: 2 })
  slaAcknowledgeBusinessDays!: number;

  @Column({ name: 'sla_first_contact_business_days', type: 'integer', default: 10 })
  slaFirstContactBusinessDays!: number;

  @Column({ name: 'sla_expire_after_days', type: 'integer', default: 30 })
  slaExpireAfterDays!: number;
}
