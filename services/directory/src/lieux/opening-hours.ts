import OpeningHours from 'opening_hours';

/** Minutes in a week; minute-of-week 0 is Monday 00:00, Paris wall-clock time. */
export const MINUTES_PER_WEEK = 7 * 24 * 60;
export const DIRECTORY_TIME_ZONE = 'Europe/Paris';

export interface WeeklyInterval {
  startMinute: number;
  endMinute: number;
}

export type ParsedOpeningHours = { ok: true; value: string; warnings: string[]; parser: OpeningHours } | { ok: false; message: string };

/**
 * Parses an OSM `opening_hours` value with the maintained `opening_hours` library (French messages).
 * Holidays (`PH`) are those of France; the library evaluates in the process's local time, which the
 * conversions below treat as Paris wall-clock time (see wallClockMinutes).
 */
export function parseOpeningHours(value: string, position?: { latitude: number | null; longitude: number | null }): ParsedOpeningHours {
  try {
    const parser = new OpeningHours(
      value,
      { lat: position?.latitude ?? 46.6, lon: position?.longitude ?? 2.4, address: { country_code: 'fr', state: '' } },
      { locale: 'fr', mode: 0, tag_key: 'opening_hours', map_value: false, warnings_severity: 4 },
    );
    return { ok: true, value, warnings: parser.getWarnings(), parser };
  } catch (error) {
    // The library throws its message as a string (value, a marker at the faulty spot, then the reason).
    const message = typeof error === 'string' ? error : error instanceof Error ? error.message : String(error);
    return { ok: false, message: message.trim() };
  }
}

/**
 * The value as stored: the parser's canonical form (« lundi 9h-12h » becomes « Mo 09:00-12:00 »), so
 * every export and consumer reads standard OSM syntax. The parser's warnings say what it corrected.
 */
export function canonicalOpeningHours(value: string): string {
  const parsed = parseOpeningHours(value);
  return parsed.ok ? parsed.parser.prettifyValue() : value;
}

/** A calendar day as the library's local-time Date (midnight). */
function localMidnight(day: string, plusDays = 0): Date {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return new Date(year, month - 1, date + plusDays);
}

/** Minutes of wall-clock time between two local Dates, ignoring daylight-saving jumps. */
function wallClockMinutes(from: Date, to: Date): number {
  const wall = (d: Date) => Date.UTC(d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes());
  return Math.round((wall(to) - wall(from)) / 60_000);
}

function mondayBasedWeekday(date: Date): number {
  return (date.getDay() + 6) % 7;
}

/**
 * The open intervals of the seven days starting on `referenceDay` (YYYY-MM-DD, Paris), folded onto
 * minutes of the week. Computed at write time and refreshed daily, so `openAt` is exact for the coming
 * week (holidays and seasonal rules included) and an approximation by weekday beyond it.
 */
export function weeklyIntervals(parser: OpeningHours, referenceDay: string): WeeklyInterval[] {
  const from = localMidnight(referenceDay);
  const to = localMidnight(referenceDay, 7);
  const offset = mondayBasedWeekday(from) * 24 * 60;
  const raw: WeeklyInterval[] = [];
  for (const [start, end] of parser.getOpenIntervals(from, to)) {
    const startMinute = offset + wallClockMinutes(from, start);
    const endMinute = offset + wallClockMinutes(from, end);
    if (endMinute <= startMinute) continue;
    // Folded onto one week: the part past Sunday midnight wraps to Monday.
    if (endMinute - startMinute >= MINUTES_PER_WEEK) return [{ startMinute: 0, endMinute: MINUTES_PER_WEEK }];
    const a = startMinute % MINUTES_PER_WEEK;
    const b = a + (endMinute - startMinute);
    if (b <= MINUTES_PER_WEEK) raw.push({ startMinute: a, endMinute: b });
    else raw.push({ startMinute: a, endMinute: MINUTES_PER_WEEK }, { startMinute: 0, endMinute: b - MINUTES_PER_WEEK });
  }
  return mergeIntervals(raw);
}

export function mergeIntervals(intervals: WeeklyInterval[]): WeeklyInterval[] {
  const sorted = [...intervals].sort((x, y) => x.startMinute - y.startMinute);
  const merged: WeeklyInterval[] = [];
  for (const interval of sorted) {
    const last = merged[merged.length - 1];
    if (last && interval.startMinute <= last.endMinute) last.endMinute = Math.max(last.endMinute, interval.endMinute);
    else merged.push({ ...interval });
  }
  return merged;
}

const parisParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: DIRECTORY_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  weekday: 'short',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const weekdays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** An instant as Paris wall-clock time: its day (YYYY-MM-DD) and minute of the week. */
export function parisWallClock(instant: Date): { day: string; minuteOfWeek: number } {
  const parts = Object.fromEntries(parisParts.formatToParts(instant).map((part) => [part.type, part.value]));
  const weekday = weekdays.indexOf(parts['weekday'] ?? '');
  const minuteOfWeek = weekday * 1440 + Number(parts['hour']) * 60 + Number(parts['minute']);
  return { day: `${parts['year']}-${parts['month']}-${parts['day']}`, minuteOfWeek };
}

/** "lundi 09:00" for explanations. */
export function describeMinuteOfWeek(minute: number): string {
  const days = ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'];
  const day = days[Math.floor(minute / 1440) % 7] ?? '';
  const inDay = minute % 1440;
  return `${day} ${String(Math.floor(inDay / 60)).padStart(2, '0')}:${String(inDay % 60).padStart(2, '0')}`;
}
