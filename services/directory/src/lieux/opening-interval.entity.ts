import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One open interval of a lieu in minutes of the week (Monday 00:00 = 0, Paris wall-clock time). */
@Entity('lieu_opening_interval')
export class OpeningInterval {
  @PrimaryColumn({ name: 'lieu_id', type: 'uuid' })
  lieuId!: string;

  @PrimaryColumn({ name: 'start_minute', type: 'integer' })
  startMinute!: number;

  @Column({ name: 'end_minute', type: 'integer' })
  endMinute!: number;
}
