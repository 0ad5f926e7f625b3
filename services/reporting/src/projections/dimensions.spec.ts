import { dayOf } from './dimensions';

const parisDay = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });

describe('dayOf (the Paris day of an instant, remembered per UTC hour)', () => {
  it('gives the day Intl gives, every 17 minutes across both changes of hour of 2026 and around midnight', () => {
    const instants: number[] = [];
    for (const around of ['2026-03-29T01:00:00Z', '2026-10-25T01:00:00Z', '2026-12-31T23:00:00Z', '2026-06-30T22:00:00Z']) {
      for (let minutes = -48 * 60; minutes <= 48 * 60; minutes += 17) instants.push(Date.parse(around) + minutes * 60_000);
    }
    for (const instant of instants) {
      const date = new Date(instant);
      expect(dayOf(date.toISOString())).toBe(parisDay.format(date));
      expect(dayOf(date)).toBe(parisDay.format(date));
    }
  });

  it('reads an instant with an offset as that instant', () => {
    expect(dayOf('2026-12-03T23:30:00+01:00')).toBe('2026-12-03');
    expect(dayOf('2026-12-03T23:30:00Z')).toBe('2026-12-04');
  });
});
