import { minutesOf, parisClock } from './paris-time';

describe('Paris time', () => {
  it('reads the Paris day, weekday and minute, summer and winter', () => {
    expect(parisClock(new Date('2026-12-07T07:30:00Z'))).toEqual({ day: '2026-12-07', weekday: 1, minutes: 8 * 60 + 30 });
    expect(parisClock(new Date('2026-06-14T22:15:00Z'))).toEqual({ day: '2026-06-15', weekday: 1, minutes: 15 });
    expect(minutesOf('16:05')).toBe(16 * 60 + 5);
  });
});
