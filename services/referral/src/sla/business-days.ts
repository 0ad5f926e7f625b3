import joursFeries from '@socialgouv/jours-feries';

/**
 * French business days ("jours ouvrés"): Monday to Friday, public holidays excluded, counted on the
 * calendar of Europe/Paris whatever the server's time zone. Alsace-Moselle (57, 67, 68) has two more
 * holidays (Vendredi saint, Saint-Étienne). Dates are ISO calendar dates (`YYYY-MM-DD`).
 */
const TIME_ZONE = 'Europe/Paris';
const ALSACE_MOSELLE = new Set(['57', '67', '68']);

export interface CalendarOptions {
  /** The département of the réseau local, which decides the Alsace-Moselle holidays. */
  department?: string | null;
}

const dateFormat = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });
const offsetFormat = new Intl.DateTimeFormat('en-US', { timeZone: TIME_ZONE, timeZoneName: 'longOffset' });
const holidayCache = new Map<string, ReadonlySet<string>>();

/** The calendar date in Paris of an instant. */
export function parisDate(instant: Date): string {
  return dateFormat.format(instant);
}

function iso(year: number, month: number, day: number): string {
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function parts(date: string): [number, number, number] {
  const [year, month, day] = date.split('-').map(Number);
  if (!year || !month || !day) throw new Error(`not an ISO date: ${date}`);
  return [year, month, day];
}

export function nextDay(date: string, days = 1): string {
  const [year, month, day] = parts(date);
  const next = new Date(Date.UTC(year, month - 1, day + days));
  return iso(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate());
}

/** Public holidays of a year as ISO dates. */
export function publicHolidays(year: number, options: CalendarOptions = {}): ReadonlySet<string> {
  const alsace = ALSACE_MOSELLE.has(options.department ?? '');
  const key = `${year}:${alsace}`;
  let holidays = holidayCache.get(key);
  if (!holidays) {
    // The package builds each Date at local midnight of the server, so the local parts are the calendar date.
    holidays = new Set(Object.values(joursFeries(year, { alsace })).map((d) => iso(d.getFullYear(), d.getMonth() + 1, d.getDate())));
    holidayCache.set(key, holidays);
  }
  return holidays;
}

export function isBusinessDay(date: string, options: CalendarOptions = {}): boolean {
  const [year, month, day] = parts(date);
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !publicHolidays(year, options).has(date);
}

/** The n-th business day after `date` (the day itself is not counted). */
export function addBusinessDays(date: string, n: number, options: CalendarOptions = {}): string {
  let current = date;
  let counted = 0;
  while (counted < n) {
    current = nextDay(current);
    if (isBusinessDay(current, options)) counted += 1;
  }
  return current;
}

/** Minutes east of UTC in Paris at an instant (60 in winter, 120 in summer). */
function parisOffsetMinutes(instant: number): number {
  const name = offsetFormat.formatToParts(new Date(instant)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

/** The instant at which a calendar date begins in Paris. */
export function parisStartOfDay(date: string): Date {
  const [year, month, day] = parts(date);
  const utcMidnight = Date.UTC(year, month - 1, day);
  let instant = utcMidnight - parisOffsetMinutes(utcMidnight) * 60_000;
  // Recompute once with the offset in force at the found instant (matters only around a DST change).
  instant = utcMidnight - parisOffsetMinutes(instant) * 60_000;
  return new Date(instant);
}

export interface BusinessDeadline {
  /** When the deadline passes: the end of the n-th business day after the start (Paris time). */
  dueAt: Date;
  /** When to remind the receiver: the beginning of that last business day. */
  remindAt: Date;
}

/**
 * "Within n business days" of an instant: the day of sending does not count, the n-th business day
 * after it does, to its end. Sent on Friday with 2 days: due at the end of Tuesday (of Wednesday
 * when Monday is a holiday).
 */
export function businessDeadline(from: Date, businessDays: number, options: CalendarOptions = {}): BusinessDeadline {
  const lastDay = addBusinessDays(parisDate(from), businessDays, options);
  return { dueAt: parisStartOfDay(nextDay(lastDay)), remindAt: parisStartOfDay(lastDay) };
}
