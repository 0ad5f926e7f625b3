import type { ServiceRole } from '../rules/rules.types';

/** One service at one of its lieux, as the read model of the directory holds it (one SQL row). */
export interface CandidateRow {
  serviceId: string;
  structureId: string;
  serviceName: string;
  structureName: string | null;
  /** Labels of the structure (aidants-connect, france-services, conseiller-numerique…). */
  structureLabels: string[];
  roles: ServiceRole[];
  thematiques: string[];
  publics: string[];
  languages: string[];
  modalities: string[];
  acceptsRelaisReferrals: boolean;
  networkIds: string[];
  lieuId: string | null;
  communeCode: string | null;
  latitude: number | null;
  longitude: number | null;
  openingHours: string | null;
  openSlotsPerWeek: number | null;
  waitingDays: number | null;
}

/** A candidate as the agent sees it: what it is, for which recommended role, and why it is there. */
export interface RankedCandidate {
  rank: number;
  serviceId: string;
  structureId: string;
  serviceName: string;
  structureName: string | null;
  /** The recommended role this service answers. */
  role: ServiceRole;
  score: number;
  distanceKm: number | null;
  lieu: { lieuId: string; communeCode: string } | null;
  networkIds: string[];
  inPersonNetwork: boolean;
  modalities: string[];
  openSlotsPerWeek: number | null;
  waitingDays: number | null;
  acceptsRelaisReferrals: boolean;
  /** Next opening within the look-ahead window, ISO; null when unknown or not soon. */
  nextOpening: string | null;
  /** Plain French, one line per reason, most important first. */
  reasons: string[];
}
