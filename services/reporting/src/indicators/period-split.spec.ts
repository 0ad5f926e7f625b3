import { splitPeriod } from './period-split';

describe('a period split into whole months and the days around them', () => {
  it('reads a period inside one month day by day', () => {
    expect(splitPeriod('2026-11-03', '2026-11-20')).toMatchObject({ headFrom: '2026-11-03', headTo: '2026-11-20', monthFrom: '2000-01-02', monthTo: '2000-01-01' });
  });

  it('reads whole months from the monthly rollups and the edges by day', () => {
    expect(splitPeriod('2025-12-04', '2026-12-03')).toEqual({
      headFrom: '2025-12-04',
      headTo: '2025-12-31',
      tailFrom: '2026-12-01',
      tailTo: '2026-12-03',
      monthFrom: '2026-01-01',
      monthTo: '2026-11-01',
    });
    expect(splitPeriod('2026-02-01', '2026-02-28')).toEqual({
      headFrom: '2000-01-02',
      headTo: '2000-01-01',
      tailFrom: '2000-01-02',
      tailTo: '2000-01-01',
      monthFrom: '2026-02-01',
      monthTo: '2026-02-01',
    });
  });

  it('covers every day of any period exactly once', () => {
    for (let start = 0; start < 400; start += 7) {
      for (const length of [1, 2, 27, 31, 45, 90, 365]) {
        const from = new Date(Date.UTC(2025, 0, 1) + start * 86_400_000).toISOString().slice(0, 10);
        const to = new Date(Date.UTC(2025, 0, 1) + (start + length - 1) * 86_400_000).toISOString().slice(0, 10);
        const split = splitPeriod(from, to);
        let covered = 0;
        for (let d = Date.parse(from); d <= Date.parse(to); d += 86_400_000) {
          const day = new Date(d).toISOString().slice(0, 10);
          const inDays = (day >= split.headFrom && day <= split.headTo) || (day >= split.tailFrom && day <= split.tailTo);
          const inMonths = `${day.slice(0, 7)}-01` >= split.monthFrom && `${day.slice(0, 7)}-01` <= split.monthTo;
          expect(inDays !== inMonths).toBe(true);
          covered++;
        }
        expect(covered).toBe(length);
      }
    }
  });
});
