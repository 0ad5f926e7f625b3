import OpeningHours from 'opening_hours';

/**
 * When a lieu opens next, from its OpenStreetMap `opening_hours` string, in the département's local time.
 * The library computes in the process's time zone, so the instant is first turned into Paris wall-clock
 * time; results are wall-clock too (the agent and the person read local hours).
 */
export interface OpeningState {
  openNow: boolean;
  /** Paris wall-clock time of the next opening (YYYY-MM-DDTHH:mm), when closed now and opening within the window. */
  nextOpening: string | null;
}

const parsed = new Map<string, OpeningHours | null>();
const MAX_CACHED = 5_000;

function parse(value: string): OpeningHours | null {
  if (parsed.has(value)) return parsed.get(value) ?? null;
  let result: OpeningHours | null;
  try {
    // Public holidays (PH) need a country to know the holidays: a French address without a precise region.
    result = new OpeningHours(value, { lat: 47.66, lon: -2.76, address: { country_code: 'fr', state: '' } });
  } catch {
    result = null; // a malformed string says nothing about openness: no bonus, no penalty
  }
  if (parsed.size >= MAX_CACHED) parsed.clear();
  parsed.set(value, result);
  return result;
}

const parisParts = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** The instant as a Date whose local fields are Paris wall-clock time. */
export function parisWallClock(instant: Date): Date {
  const parts = Object.fromEntries(parisParts.formatToParts(instant).map((p) => [p.type, p.value]));
  return new Date(Number(parts['year']), Number(parts['month']) - 1, Number(parts['day']), Number(parts['hour']), Number(parts['minute']));
}

function formatWallClock(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

// Many lieux share the same hours ("Mo-Fr 09:00-12:00,14:00-17:30"): their state at a given minute is
// computed once. Evaluating opening_hours costs ~0.1 ms, which adds up over a shortlist.
const states = new Map<string, OpeningState | null>();

export function openingState(openingHours: string | null, now: Date, windowHours: number): OpeningState | null {
  if (!openingHours) return null;
  const key = `${Math.floor(now.getTime() / 60_000)}|${windowHours}|${openingHours}`;
  if (states.has(key)) return states.get(key) ?? null;
  const state = computeOpeningState(openingHours, now, windowHours);
  if (states.size >= MAX_CACHED) states.clear();
  states.set(key, state);
  return state;
}

function computeOpeningState(openingHours: string, now: Date, windowHours: number): OpeningState | null {
  const hours = parse(openingHours);
  if (!hours) return null;
  const local = parisWallClock(now);
  try {
    if (hours.getState(local)) return { openNow: true, nextOpening: null };
    const limit = new Date(local.getTime() + windowHours * 3_600_000);
    const next = hours.getNextChange(local, limit);
    return { openNow: false, nextOpening: next ? formatWallClock(next) : null };
  } catch {
    return null;
  }
}

const weekdays = ['dimanche', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi'];

/** « aujourd’hui à 14:00 », « demain à 09:00 », « jeudi à 09:30 ». */
export function describeOpening(nextOpening: string, now: Date): string {
  const today = parisWallClock(now);
  const [datePart, time] = nextOpening.split('T');
  const [y, m, d] = (datePart ?? '').split('-').map(Number);
  const day = new Date(y ?? 0, (m ?? 1) - 1, d ?? 1);
  const startOfToday = new Date(today.getFullYear(), today.getMonth(), today.getDate());
  const days = Math.round((day.getTime() - startOfToday.getTime()) / 86_400_000);
  const when = days === 0 ? 'aujourd’hui' : days === 1 ? 'demain' : weekdays[day.getDay()];
  return `${when} à ${time ?? ''}`;
}
