import { modalitiesOf } from '../vocabularies';
import { api, query } from './client';

/** The directory's public reads, as the workspace uses them (docs/directory.md). */
export interface Capacity {
  openSlotsPerWeek: number | null;
  waitingDays: number | null;
  full: boolean;
  updatedAt: string | null;
}

export interface SearchHit {
  id: string;
  structureId: string;
  name: string;
  structureName: string;
  roles: string[];
  thematiques: string[];
  modalities: string[];
  acceptsRelaisReferrals: boolean;
  distanceKm: number | null;
  nearestLieu: { id: string; name: string; communeCode: string; communeName: string | null; street: string | null } | null;
  capacity: Capacity | null;
  stale: boolean;
  why: Array<{ parameter: string; explanation: string }>;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Lieu {
  id: string;
  structureId: string;
  name: string;
  street: string | null;
  postalCode: string | null;
  communeCode: string;
  communeName: string | null;
  latitude: number | null;
  longitude: number | null;
  openingHours: string | null;
  weeklyHours?: Array<{ opens: string; closes: string }>;
  accessibility?: { details: string | null; wheelchair: boolean | null; acceslibreUrl: string | null };
}

export interface ServiceDetail {
  id: string;
  structureId: string;
  structure: { id: string; name: string; typology: string | null; labels: string[] };
  name: string;
  description: string | null;
  roles: string[];
  thematiques: string[];
  publics: string[];
  languages: string[];
  modalities: string[];
  fees: string[];
  feesDetails: string | null;
  referralMethods: Array<{ kind: string; value: string | null }>;
  acceptsRelaisReferrals: boolean;
  status: 'active' | 'suspended' | 'closed';
  suspendedUntil: string | null;
  capacity: Capacity | null;
  lieux: Lieu[];
  version: number;
  freshness: { lastVerifiedAt: string; stale: boolean };
}

export interface Structure {
  id: string;
  name: string;
  typology: string | null;
  typologyLabel?: string | null;
  contact: { email: string | null; phone: string | null; website: string | null };
  labels: string[];
  networkIds: string[];
  communeCode: string | null;
  lieux: Array<{ id: string; name: string }>;
  services: Array<{ id: string; name: string }>;
}

export interface SearchFilters {
  thematique?: string;
  role?: string;
  commune?: string;
  radiusKm?: string;
  openNow?: boolean;
  /** data·inclusion v1's mode d'accueil, sent as the search's finer `modality` values. */
  modeAccueil?: string;
  public?: string;
  language?: string;
  acceptsReferrals?: boolean;
  q?: string;
}

export function searchServices(filters: SearchFilters, cursor: string | null): Promise<Page<SearchHit>> {
  return api<Page<SearchHit>>(
    `/api/directory/v1/services${query({
      thematique: filters.thematique,
      role: filters.role,
      commune: filters.commune,
      radiusKm: filters.commune ? filters.radiusKm : undefined,
      openAt: filters.openNow ? 'now' : undefined,
      modality: modalitiesOf(filters.modeAccueil),
      public: filters.public,
      language: filters.language,
      acceptsReferrals: filters.acceptsReferrals ? true : undefined,
      q: filters.q,
      cursor,
      limit: 20,
    })}`,
    { anonymous: true },
  );
}

const hour = 60 * 60 * 1000;
export const structureQuery = (id: string) => ({
  queryKey: ['structure', id],
  queryFn: () => api<Structure>(`/api/directory/v1/structures/${encodeURIComponent(id)}`, { anonymous: true }),
  staleTime: hour,
});
export const serviceQuery = (id: string) => ({
  queryKey: ['service', id],
  queryFn: () => api<ServiceDetail>(`/api/directory/v1/services/${encodeURIComponent(id)}`, { anonymous: true }),
  staleTime: 60_000,
});
export const lieuQuery = (id: string) => ({
  queryKey: ['lieu', id],
  queryFn: () => api<Lieu>(`/api/directory/v1/lieux/${encodeURIComponent(id)}`, { anonymous: true }),
  staleTime: hour,
});

export function putCapacity(serviceId: string, body: { openSlotsPerWeek: number; waitingDays: number }) {
  return api<unknown>(`/api/directory/v1/services/${serviceId}/capacity`, { method: 'PUT', body });
}
export function putStatus(serviceId: string, body: { status: string; suspendedUntil?: string }) {
  return api<unknown>(`/api/directory/v1/services/${serviceId}/status`, { method: 'PUT', body });
}
export function putOpeningHours(lieuId: string, openingHours: string) {
  return api<Lieu & { openingHoursWarnings?: string[] }>(`/api/directory/v1/lieux/${lieuId}/opening-hours`, { method: 'PUT', body: { openingHours } });
}
export function patchService(serviceId: string, body: Record<string, unknown>) {
  return api<ServiceDetail>(`/api/directory/v1/services/${serviceId}`, { method: 'PATCH', body });
}
