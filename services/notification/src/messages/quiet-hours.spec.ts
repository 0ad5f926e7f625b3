import { quietUntil } from './quiet-hours';

describe('quiet hours (Paris time)', () => {
  // 2026-12-03 is in winter time: Paris is UTC+1.
  it('lets a message leave outside the window', () => {
    const noon = new Date('2026-12-03T11:00:00Z');
    expect(quietUntil(noon, '20:00', '08:00')).toEqual(noon);
    expect(quietUntil(noon, null, null)).toEqual(noon);
  });

  it('holds a message inside a window that wraps over midnight until its end', () => {
    expect(quietUntil(new Date('2026-12-03T21:30:00Z'), '20:00', '08:00')).toEqual(new Date('2026-12-04T07:00:00Z'));
    expect(quietUntil(new Date('2026-12-04T05:15:00Z'), '20:00', '08:00')).toEqual(new Date('2026-12-04T07:00:00Z'));
  });

  it('holds a message inside a window within the day', () => {
    expect(quietUntil(new Date('2026-12-03T11:30:00Z'), '12:00', '14:00')).toEqual(new Date('2026-12-03T13:00:00Z'));
  });
});
