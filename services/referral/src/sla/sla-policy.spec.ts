import { slaSchedule } from './sla-policy';

describe('slaSchedule', () => {
  it('sets the default deadlines in business days and expiry in calendar days', () => {
    // Friday 6 November 2026, 15:00 in Paris; Wednesday 11 is Armistice.
    const schedule = slaSchedule(new Date('2026-11-06T14:00:00Z'), {
      acknowledgeBusinessDays: 2,
      firstContactBusinessDays: 10,
      expireAfterDays: 30,
      department: '56',
    });
    expect(schedule.acknowledgeDueAt.toISOString()).toBe('2026-11-10T23:00:00.000Z'); // end of Tuesday 10
    expect(schedule.firstContactDueAt.toISOString()).toBe('2026-11-23T23:00:00.000Z'); // end of Monday 23 (the 11th skipped)
    expect(schedule.expiresAt.toISOString()).toBe('2026-12-06T14:00:00.000Z');
    expect(schedule.timers).toEqual([
      { kind: 'acknowledge-reminder', dueAt: new Date('2026-11-09T23:00:00.000Z') },
      { kind: 'first-contact-reminder', dueAt: new Date('2026-11-22T23:00:00.000Z') },
      { kind: 'expiry', dueAt: schedule.expiresAt },
    ]);
  });
});
