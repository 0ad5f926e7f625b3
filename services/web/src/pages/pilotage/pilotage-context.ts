import { createContext, useContext } from 'react';
import type { Period } from './reporting-api';

export interface Pilotage {
  networkId: string;
  networkName: string;
  period: Period;
  /** An agent reads its own structure's figures only: no coverage, no territory profile. */
  ofStructure: boolean;
  /** `?du=…&au=…` to keep the period on a link to another page. */
  periodSearch: string;
}

export const PilotageContext = createContext<Pilotage | null>(null);

export function usePilotage(): Pilotage {
  const value = useContext(PilotageContext);
  if (!value) throw new Error('PilotageContext absent');
  return value;
}

/** A file name that says what and when: `relais-structures-pays-de-vannes-2026-11-01-2026-11-30.csv`. */
export function csvName(what: string, pilotage: Pilotage): string {
  const slug = pilotage.networkName
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `relais-${what}-${slug || pilotage.networkId}-${pilotage.period.from}-${pilotage.period.to}.csv`;
}
