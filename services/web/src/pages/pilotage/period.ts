import type { Period } from './reporting-api';

/** Calendar days as the API wants them (AAAA-MM-JJ), in the browser's time zone (the agents' own: Paris). */
export function isoDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export interface PeriodPreset {
  key: string;
  label: string;
  period: Period;
}

/** The periods a coordinator asks for most: this month so far, last month, the last three and twelve months. */
export function periodPresets(today: Date): PeriodPreset[] {
  const year = today.getFullYear();
  const month = today.getMonth();
  const day = (y: number, m: number, d: number) => isoDay(new Date(y, m, d));
  return [
    { key: 'mois', label: 'Ce mois-ci', period: { from: day(year, month, 1), to: isoDay(today) } },
    { key: 'mois-dernier', label: 'Le mois dernier', period: { from: day(year, month - 1, 1), to: day(year, month, 0) } },
    { key: '3-mois', label: 'Les 3 derniers mois', period: { from: day(year, month - 2, 1), to: isoDay(today) } },
    { key: '12-mois', label: 'Les 12 derniers mois', period: { from: day(year, month - 11, 1), to: isoDay(today) } },
  ];
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The period of the address (?du=…&au=…), this month by default: a link to a page keeps its period. */
export function periodOf(search: URLSearchParams, today: Date): Period {
  const from = search.get('du');
  const to = search.get('au');
  if (from && to && DAY.test(from) && DAY.test(to)) return { from, to };
  const preset = periodPresets(today)[0];
  if (!preset) throw new Error('no preset');
  return preset.period;
}

const dayFormat = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric' });

export function periodLabel(period: Period): string {
  return `du ${dayFormat.format(new Date(`${period.from}T12:00:00`))} au ${dayFormat.format(new Date(`${period.to}T12:00:00`))}`;
}
