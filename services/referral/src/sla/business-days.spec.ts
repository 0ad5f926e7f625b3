import { addBusinessDays, businessDeadline, isBusinessDay, parisDate, parisStartOfDay, publicHolidays } from './business-days';

describe('French business days', () => {
  it('knows the public holidays of mainland France, and the two more of Alsace-Moselle', () => {
    const holidays = [...publicHolidays(2026)].sort();
    expect(holidays).toEqual([
      '2026-01-01',
      '2026-04-06', // lundi de Pâques
      '2026-05-01',
      '2026-05-08',
      '2026-05-14', // Ascension
      '2026-05-25', // lundi de Pentecôte
      '2026-07-14',
      '2026-08-15',
      '2026-11-01',
      '2026-11-11',
      '2026-12-25',
    ]);
    expect(publicHolidays(2026, { department: '67' }).has('2026-04-03')).toBe(true); // Vendredi saint
    expect(publicHolidays(2026, { department: '67' }).has('2026-12-26')).toBe(true);
    expect(publicHolidays(2026, { department: '56' }).has('2026-12-26')).toBe(false);
  });

  it('skips weekends and holidays', () => {
    expect(isBusinessDay('2026-11-23')).toBe(true); // Monday
    expect(isBusinessDay('2026-11-21')).toBe(false); // Saturday
    expect(isBusinessDay('2026-11-11')).toBe(false); // Armistice, a Wednesday
    expect(addBusinessDays('2026-11-23', 2)).toBe('2026-11-25');
    expect(addBusinessDays('2026-11-27', 2)).toBe('2026-12-01'); // Friday → Tuesday
    expect(addBusinessDays('2026-11-10', 1)).toBe('2026-11-12'); // over the 11th
    expect(addBusinessDays('2026-12-24', 1)).toBe('2026-12-28'); // over Christmas and the weekend
    expect(addBusinessDays('2026-12-24', 1, { department: '57' })).toBe('2026-12-28');
    expect(addBusinessDays('2026-12-31', 10)).toBe('2027-01-15');
  });

  it('reads dates on the Paris calendar whatever the server time zone', () => {
    expect(parisDate(new Date('2026-11-23T23:30:00Z'))).toBe('2026-11-24');
    expect(parisStartOfDay('2026-11-24').toISOString()).toBe('2026-11-23T23:00:00.000Z'); // winter, UTC+1
    expect(parisStartOfDay('2026-07-01').toISOString()).toBe('2026-06-30T22:00:00.000Z'); // summer, UTC+2
    expect(parisStartOfDay('2026-03-29').toISOString()).toBe('2026-03-28T23:00:00.000Z'); // the day clocks go forward
    expect(parisStartOfDay('2026-10-25').toISOString()).toBe('2026-10-24T22:00:00.000Z'); // the day they go back
  });

  it('puts a deadline at the end of the n-th business day, the reminder at its start', () => {
    // Monday 23 November 2026, 10:00 in Paris: 2 business days → end of Wednesday 25.
    const deadline = businessDeadline(new Date('2026-11-23T09:00:00Z'), 2);
    expect(deadline.dueAt.toISOString()).toBe('2026-11-25T23:00:00.000Z');
    expect(deadline.remindAt.toISOString()).toBe('2026-11-24T23:00:00.000Z');
    // Sent on a Saturday: counting starts on Monday.
    expect(businessDeadline(new Date('2026-11-21T09:00:00Z'), 2).dueAt.toISOString()).toBe('2026-11-24T23:00:00.000Z');
    // 10 business days from Tuesday 10 November, over the 11th: Wednesday 25th.
    expect(parisDate(new Date(businessDeadline(new Date('2026-11-10T09:00:00Z'), 10).remindAt))).toBe('2026-11-25');
  });
});
