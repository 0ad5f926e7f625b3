const parts = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  weekday: 'short',
  hourCycle: 'h23',
});

const weekdays: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** A moment as people in the département read it: the Paris day, its weekday (1 = Monday) and the minute of the day. */
export function parisClock(now: Date): { day: string; weekday: number; minutes: number } {
  const got = Object.fromEntries(parts.formatToParts(now).map((part) => [part.type, part.value]));
  return {
    day: `${got['year']}-${got['month']}-${got['day']}`,
    weekday: weekdays[got['weekday'] ?? ''] ?? 0,
    minutes: Number(got['hour']) * 60 + Number(got['minute']),
  };
}

export const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
};
