import { canonicalOpeningHours, describeMinuteOfWeek, mergeIntervals, parisWallClock, parseOpeningHours, weeklyIntervals } from './opening-hours';

const parsed = (value: string) => {
  const result = parseOpeningHours(value);
  if (!result.ok) throw new Error(result.message);
  return result.parser;
};

describe('opening hours', () => {
  it('refuses what the parser cannot read, with its own message', () => {
    const result = parseOpeningHours('tous les jours');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(/Caractère inattendu/);
  });

  it('stores what it mends in standard OSM syntax', () => {
    expect(canonicalOpeningHours('Lu-Ve 9:00-12:00')).toBe('Mo-Fr 09:00-12:00');
    expect(canonicalOpeningHours('Mo-Fr 09:00-12:00; PH off')).toBe('Mo-Fr 09:00-12:00; PH off');
  });

  it('folds the seven days from the reference day onto minutes of the week (Monday 00:00 = 0)', () => {
    // Wednesday 2 December 2026: Wednesday comes first, then Thursday… then Monday and Tuesday.
    const intervals = weeklyIntervals(parsed('Mo,We 09:00-12:00'), '2026-12-02');
    expect(intervals).toEqual([
      { startMinute: 9 * 60, endMinute: 12 * 60 },
      { startMinute: 2 * 1440 + 9 * 60, endMinute: 2 * 1440 + 12 * 60 },
    ]);
  });

  it('wraps an interval over Sunday midnight and covers the whole week for 24/7', () => {
    const night = weeklyIntervals(parsed('Su 22:00-24:00; Mo 00:00-02:00'), '2026-12-07');
    expect(night).toEqual([
      { startMinute: 0, endMinute: 120 },
      { startMinute: 6 * 1440 + 22 * 60, endMinute: 7 * 1440 },
    ]);
    expect(weeklyIntervals(parsed('24/7'), '2026-12-02')).toEqual([{ startMinute: 0, endMinute: 7 * 1440 }]);
  });

  it('keeps public holidays of the coming week closed', () => {
    // Friday 25 December 2026 is Christmas.
    const intervals = weeklyIntervals(parsed('Mo-Fr 09:00-12:00; PH off'), '2026-12-21');
    expect(intervals.map((i) => describeMinuteOfWeek(i.startMinute))).toEqual(['lundi 09:00', 'mardi 09:00', 'mercredi 09:00', 'jeudi 09:00']);
  });

  it('merges overlapping intervals', () => {
    expect(mergeIntervals([{ startMinute: 10, endMinute: 20 }, { startMinute: 0, endMinute: 12 }, { startMinute: 30, endMinute: 40 }])).toEqual([
      { startMinute: 0, endMinute: 20 },
      { startMinute: 30, endMinute: 40 },
    ]);
  });

  it('reads an instant as Paris wall-clock time, summer and winter', () => {
    expect(parisWallClock(new Date('2026-12-01T09:30:00Z'))).toEqual({ day: '2026-12-01', minuteOfWeek: 1440 + 10 * 60 + 30 });
    expect(parisWallClock(new Date('2026-07-06T22:30:00Z'))).toEqual({ day: '2026-07-07', minuteOfWeek: 1440 + 30 });
  });
});
