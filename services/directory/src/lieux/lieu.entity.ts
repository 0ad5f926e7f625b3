import { Column, Entity, PrimaryColumn } from 'typeorm';
import { DirectoryRecord } from '../shared/record';

export interface LieuAccessibility {
  /** Accessible in a wheelchair (null: unknown). */
  wheelchair: boolean | null;
  /** The lieu's page on acceslibre.beta.gouv.fr, when it has one. */
  acceslibreUrl: string | null;
  details: string | null;
}

/** A physical place where services are offered, with its opening hours in OSM syntax. */
@Entity('lieu')
export class Lieu extends DirectoryRecord {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'structure_id', type: 'uuid' })
  structureId!: string;

  @Column('text')
  name!: string;

  @Column({ type: 'text', nullable: true })
  street!: string | null;

  @Column({ name: 'postal_code', type: 'text', nullable: true })
  postalCode!: string | null;

  @Column({ name: 'commune_code', type: 'text' })
  communeCode!: string;

  @Column({ name: 'commune_name', type: 'text', nullable: true })
  communeName!: string | null;

  @Column({ type: 'double precision', nullable: true })
  latitude!: number | null;

  @Column({ type: 'double precision', nullable: true })
  longitude!: number | null;

  @Column({ name: 'opening_hours', type: 'text', nullable: true })
  openingHours!: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  accessibility!: LieuAccessibility;

  @Column({ type: 'text', nullable: true })
  source!: string | null;

  @Column({ name: 'source_id', type: 'text', nullable: true })
  sourceId!: string | null;
}
