import { api, query } from '../../api/client';
import type { Page } from '../../api/directory';
import type { ReferralSummary } from '../../api/referral';

/**
 * The reporting service's views (services/reporting/src/indicators/indicators.dto.ts, docs/reporting.md).
 * A null count is a figure computed on fewer than 5 people, withheld by the API: the pages say « < 5 ».
 */
export type Count = number | null;

export interface Period {
  from: string;
  to: string;
}

export interface FunnelView extends Period {
  networkId: string;
  stages: Record<string, Count>;
}

export interface DelayFigures {
  count: Count;
  p50Hours: number | null;
  p90Hours: number | null;
  withinSlaShare: number | null;
}

export interface DelaysView extends Period {
  networkId: string;
  measures: Record<'acknowledgement' | 'acceptance' | 'firstContact' | 'completion', DelayFigures>;
  overdueNow: Count;
}

export interface ContinuityView extends Period {
  networkId: string;
  breaks: Record<string, Count>;
  /** Accepted ÷ (accepted + rejected); null on fewer than 5 answers (or none). */
  acceptanceRate: number | null;
  dropOff: Array<{ step: string; reached: Count; left: Count; rate: number | null }>;
  byStructure: Array<{ structureId: string; name: string | null; received: Count; left: Count; rate: number | null }>;
  autonomy: Record<string, Count>;
  refusalReasons: Record<string, Count>;
}

export interface StructureFigures {
  structureId: string;
  name: string | null;
  received: Count;
  accepted: Count;
  rejected: Count;
  acceptanceRate: number | null;
  acknowledgementP50Hours: number | null;
  openSlotsPerWeek: number | null;
  capacityInPeriod: number | null;
  waitingDays: number | null;
  overCapacity: boolean | null;
}

export interface StructuresView extends Period {
  networkId: string;
  structures: StructureFigures[];
}

export interface CoverageView extends Period {
  networkId: string;
  radiusKm: number;
  communes: Array<{
    communeCode: string;
    name: string | null;
    roles: Array<{ role: string; reachable: boolean; nearestKm: number | null }>;
    diagnostics: Count;
    referrals: Count;
  }>;
}

export interface DiagnosticView extends Period {
  networkId: string;
  diagnostics: Count;
  levels: Record<string, Count>;
  barriers: Record<string, Count>;
  byCommune: Array<{ communeCode: string; name: string | null; diagnostics: Count; levels: Record<string, Count> }>;
}

export interface NetworkSummary {
  id: string;
  name: string;
  communeCodes: string[];
}

const indicator =
  <T>(name: string) =>
  (networkId: string, period: Period, filters: Record<string, string | undefined> = {}) => ({
    queryKey: ['pilotage', name, networkId, period.from, period.to, filters],
    queryFn: () => api<T>(`/api/reporting/v1/networks/${encodeURIComponent(networkId)}/${name}${query({ from: period.from, to: period.to, ...filters })}`),
    // A 404 (another network) or a 400 will not get better by asking again.
    retry: false,
  });

export const funnelQuery = indicator<FunnelView>('funnel');
export const delaysQuery = indicator<DelaysView>('delays');
export const continuityQuery = indicator<ContinuityView>('continuity');
export const structuresQuery = indicator<StructuresView>('structures');
export const coverageQuery = indicator<CoverageView>('coverage');
export const diagnosticQuery = indicator<DiagnosticView>('diagnostic');

/** The département's réseaux locaux (public list of the directory): names for the chooser. */
export const networksQuery = {
  queryKey: ['pilotage', 'networks'],
  queryFn: () => api<{ items: NetworkSummary[] }>('/api/directory/v1/networks', { anonymous: true }),
  staleTime: 5 * 60_000,
};

/** Statuses that end a journey without the person being helped: the breaks a coordinator follows up one by one. */
export const breakStatuses = ['expired', 'failed', 'redirected', 'rejected'];

/**
 * The referrals that ended in a break, one by one, pseudonymized (no name, no free text): the referral service's
 * « network » box for coordinators and administrators, the « received » box for a structure's agents. The
 * reporting service keeps counts only, never a list of people.
 */
export const breakListQuery = (box: 'network' | 'received', cursor: string | null) => ({
  queryKey: ['pilotage', 'breaks', box, cursor],
  queryFn: () =>
    api<Page<ReferralSummary>>(`/api/referral/v1/referrals${query({ box, status: breakStatuses.join(','), cursor, limit: 100 })}`),
  retry: false,
});
