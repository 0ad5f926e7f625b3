/**
 * A period as the rollups read it: its whole calendar months from the monthly tables, the days before and after
 * them from the daily ones, so a year costs twelve rows per key instead of 365 (ADR 0007). An empty range is
 * given as (`EMPTY_FROM`, `EMPTY_TO`), which no BETWEEN matches.
 */
export interface PeriodSplit {
  headFrom: string;
  headTo: string;
  tailFrom: string;
  tailTo: string;
  monthFrom: string;
  monthTo: string;
}

const EMPTY_FROM = '2000-01-02';
const EMPTY_TO = '2000-01-01';

const iso = (date: Date): string => date.toISOString().slice(0, 10);
const addDays = (day: string, days: number): string => iso(new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000));

export function splitPeriod(from: string, to: string): PeriodSplit {
  const firstWhole = from.endsWith('-01') ? from : `${addDays(`${from.slice(0, 7)}-01`, 32).slice(0, 7)}-01`;
  const afterTo = addDays(to, 1);
  // The last whole month ends at `to` when the next day starts a month; otherwise it ends before `to`'s month.
  const lastWholeEnd = afterTo.endsWith('-01') ? to : addDays(`${to.slice(0, 7)}-01`, -1);
  if (firstWhole > lastWholeEnd) return { headFrom: from, headTo: to, tailFrom: EMPTY_FROM, tailTo: EMPTY_TO, monthFrom: EMPTY_FROM, monthTo: EMPTY_TO };
  return {
    headFrom: firstWhole === from ? EMPTY_FROM : from,
    headTo: firstWhole === from ? EMPTY_TO : addDays(firstWhole, -1),
    tailFrom: lastWholeEnd === to ? EMPTY_FROM : addDays(lastWholeEnd, 1),
    tailTo: lastWholeEnd === to ? EMPTY_TO : to,
    monthFrom: firstWhole,
    monthTo: `${lastWholeEnd.slice(0, 7)}-01`,
  };
}
