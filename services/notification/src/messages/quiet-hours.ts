const paris = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
};

/**
 * When a message may leave given a structure's quiet hours (`HH:MM` in Paris time, the window may wrap
 * over midnight): `now` outside the window, else the window's end. Minute precision is enough for SMS.
 */
export function quietUntil(now: Date, start: string | null, end: string | null): Date {
  if (!start || !end || start === end) return now;
  const [hour, minute] = paris.format(now).split(':').map(Number) as [number, number];
  const current = hour * 60 + minute;
  const from = minutesOf(start);
  const to = minutesOf(end);
  const inside = from < to ? current >= from && current < to : current >= from || current < to;
  if (!inside) return now;
  const wait = (to - current + 24 * 60) % (24 * 60);
  return new Date(now.getTime() + wait * 60_000 - now.getSeconds() * 1000 - now.getMilliseconds());
}
