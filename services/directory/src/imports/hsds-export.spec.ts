import { organizationDescription, parisUtcOffsetHours, scheduleUtcOffset } from './hsds-export';

describe('HSDS schedules: the UTC offset of Paris on each day of the reference week', () => {
  it('reads the offset in force at an instant', () => {
    expect(parisUtcOffsetHours(new Date('2026-01-15T12:00:00Z'))).toBe(1);
    expect(parisUtcOffsetHours(new Date('2026-07-15T12:00:00Z'))).toBe(2);
  });

  it('gives each weekday the offset of its own date, right across the change to summer time', () => {
    // Reference day Thursday 26 March 2026; clocks go forward on Sunday 29 March at 02:00.
    const thursday = 3;
    const saturday = 5;
    const sunday = 6;
    const monday = 0;
    expect(scheduleUtcOffset('2026-03-26', thursday, 9 * 60)).toBe(1);
    expect(scheduleUtcOffset('2026-03-26', saturday, 9 * 60)).toBe(1);
    expect(scheduleUtcOffset('2026-03-26', sunday, 60)).toBe(1); // 01:00, before the change
    expect(scheduleUtcOffset('2026-03-26', sunday, 10 * 60)).toBe(2);
    expect(scheduleUtcOffset('2026-03-26', monday, 9 * 60)).toBe(2); // the Monday after, 30 March
  });

  it('and back to standard time in October', () => {
    // Reference day Friday 23 October 2026; clocks go back on Sunday 25 October at 03:00.
    expect(scheduleUtcOffset('2026-10-23', 5, 14 * 60)).toBe(2);
    expect(scheduleUtcOffset('2026-10-23', 6, 14 * 60)).toBe(1);
  });
});

describe('HSDS organization description (required)', () => {
  it('is the structure’s own description when it has one', () => {
    expect(organizationDescription({ description: 'Accueil et démarches.', typology: 'CCAS', communeCode: '56260' })).toBe('Accueil et démarches.');
  });

  it('else says what the structure is and where, never an empty string', () => {
    expect(organizationDescription({ description: null, typology: 'CCAS', communeCode: '56260' })).toBe("Centre communal d'action sociale. Commune : Vannes.");
    expect(organizationDescription({ description: '  ', typology: 'BIB', communeCode: null })).toBe('Médiathèque, bibliothèque.');
    expect(organizationDescription({ description: null, typology: 'INCONNUE', communeCode: '99999' })).toBe('Structure.');
  });
});
