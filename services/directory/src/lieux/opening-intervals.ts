import { Injectable } from '@nestjs/common';
import { TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { Lieu } from './lieu.entity';
import { parseOpeningHours, parisWallClock, weeklyIntervals, type WeeklyInterval } from './opening-hours';
import { OPEN_MINUTES_OF_LIEU } from '../search/search-index';
import { OpeningInterval } from './opening-interval.entity';

/**
 * Keeps `lieu_opening_interval` in step with each lieu's opening_hours, so `openAt` is one indexed SQL
 * condition rather than a parse per row at query time. Written with the lieu, refreshed daily.
 */
@Injectable()
export class OpeningIntervals {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Today in Paris: the first of the seven days the intervals describe. */
  static referenceDay(now: Date = new Date()): string {
    return parisWallClock(now).day;
  }

  compute(lieu: Pick<Lieu, 'openingHours' | 'latitude' | 'longitude'>, referenceDay: string): WeeklyInterval[] {
    return computeWeeklyIntervals(lieu, referenceDay);
  }

  async replace(lieu: Lieu, referenceDay: string = OpeningIntervals.referenceDay()): Promise<void> {
    const repository = this.txHost.tx.getRepository(OpeningInterval);
    await repository.delete({ lieuId: lieu.id });
    const intervals = lieu.deleted ? [] : this.compute(lieu, referenceDay);
    if (intervals.length > 0) await repository.insert(intervals.map((interval) => ({ lieuId: lieu.id, ...interval })));
  }

  /** Recomputes every lieu's intervals when the day changed since the last run; returns the lieux done. */
  async refreshIfStale(now: Date = new Date()): Promise<number> {
    const day = OpeningIntervals.referenceDay(now);
    const manager = this.txHost.tx;
    const rows: Array<{ reference_date: string }> = await manager.query(`SELECT to_char(reference_date, 'YYYY-MM-DD') AS reference_date FROM opening_interval_refresh WHERE id = 1`);
    if (rows[0]?.reference_date === day) return 0;
    const lieux = await manager.getRepository(Lieu).find({ select: { id: true, openingHours: true, latitude: true, longitude: true, deleted: true } });
    for (const lieu of lieux) await this.replace(lieu, day);
    // The search index carries each lieu's open minutes: bring them to the new week too.
    await manager.query(`UPDATE search_entry e SET open_minutes = ${OPEN_MINUTES_OF_LIEU('e.lieu_id')} WHERE e.lieu_id IS NOT NULL`);
    await manager.query(
      `INSERT INTO opening_interval_refresh (id, reference_date) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET reference_date = excluded.reference_date`,
      [day],
    );
    return lieux.length;
  }
}

/** A lieu's open intervals for the seven days from `referenceDay` (none without parsable hours). */
export function computeWeeklyIntervals(lieu: Pick<Lieu, 'openingHours' | 'latitude' | 'longitude'>, referenceDay: string): WeeklyInterval[] {
  if (!lieu.openingHours) return [];
  const parsed = parseOpeningHours(lieu.openingHours, lieu);
  return parsed.ok ? weeklyIntervals(parsed.parser, referenceDay) : [];
}
