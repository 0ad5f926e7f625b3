/** The network of nobody: an assessment or a sender outside any network is filed under it (never shown as a network). */
export const NO_NETWORK = '00000000-0000-0000-0000-000000000000';

const parisDay = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });

/** Days of UTC hours already met: Paris is a whole number of hours from UTC, so an instant's day is its UTC hour's. */
const dayOfHour = new Map<string, string>();
const utcInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/**
 * The calendar day (Europe/Paris) of an instant, as YYYY-MM-DD: figures are per French day. Formatting a date in a
 * time zone costs microseconds, several times per event: a rebuild of millions of events meets a few thousand
 * distinct hours, remembered (bounded).
 */
export function dayOf(instant: string | Date): string {
  const iso = typeof instant === 'string' ? instant : instant.toISOString();
  if (!utcInstant.test(iso)) return parisDay.format(new Date(iso));
  const hour = iso.slice(0, 13);
  let day = dayOfHour.get(hour);
  if (day === undefined) {
    day = parisDay.format(new Date(`${hour}:00:00Z`));
    if (dayOfHour.size > 100_000) dayOfHour.clear();
    dayOfHour.set(hour, day);
  }
  return day;
}

export function monthOf(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

/** Where a referral's figures go: the receiving side's networks, structure and role. */
export interface ReferralDimensions {
  networkIds: string[];
  structureId: string;
  role: string;
}
