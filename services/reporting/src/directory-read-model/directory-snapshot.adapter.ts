import type { EventPayload } from '@relais/contracts';

/**
 * The directory as reporting needs it, whatever version of the snapshots carries it. The directory's
 * thématiques are moving to data·inclusion v1 and may come in v2 snapshots: this file is the one place that
 * maps a snapshot (and a referral's needs) onto what the projections keep, so that switch is made here only.
 */
export interface ServiceRecord {
  serviceId: string;
  structureId: string;
  version: number;
  deleted: boolean;
  name: string;
  active: boolean;
  roles: string[];
  thematiques: string[];
  networkIds: string[];
  places: Array<{ communeCode: string; latitude: number | null; longitude: number | null }>;
  openSlotsPerWeek: number | null;
  waitingDays: number | null;
}

export interface StructureRecord {
  structureId: string;
  version: number;
  deleted: boolean;
  name: string;
  communeCode: string | null;
  networkIds: string[];
}

export interface NetworkRecord {
  networkId: string;
  version: number;
  deleted: boolean;
  name: string;
  communeCodes: string[];
  acknowledgeBusinessDays: number;
  firstContactBusinessDays: number;
}

export function serviceRecord(snapshot: EventPayload<'fr.relais.directory.service.snapshot.v1'>): ServiceRecord {
  return {
    serviceId: snapshot.serviceId,
    structureId: snapshot.structureId,
    version: snapshot.version,
    deleted: snapshot.deleted,
    name: snapshot.name,
    active: snapshot.status === 'active' && !snapshot.deleted,
    roles: [...snapshot.roles],
    thematiques: snapshot.thematiques.map(thematiqueCode),
    networkIds: [...snapshot.networkIds],
    places: snapshot.lieux.map((lieu) => ({ communeCode: lieu.communeCode, latitude: lieu.latitude, longitude: lieu.longitude })),
    openSlotsPerWeek: snapshot.capacity.openSlotsPerWeek,
    waitingDays: snapshot.capacity.waitingDays,
  };
}

export function structureRecord(snapshot: EventPayload<'fr.relais.directory.structure.snapshot.v1'>): StructureRecord {
  return {
    structureId: snapshot.structureId,
    version: snapshot.version,
    deleted: snapshot.deleted,
    name: snapshot.name,
    communeCode: snapshot.communeCode,
    networkIds: [...snapshot.networkIds],
  };
}

export function networkRecord(snapshot: EventPayload<'fr.relais.directory.network.snapshot.v1'>): NetworkRecord {
  return {
    networkId: snapshot.networkId,
    version: snapshot.version,
    deleted: snapshot.deleted,
    name: snapshot.name,
    communeCodes: [...snapshot.communeCodes],
    acknowledgeBusinessDays: snapshot.sla.acknowledgeBusinessDays,
    firstContactBusinessDays: snapshot.sla.firstContactBusinessDays,
  };
}

/** A thématique as the rollups file it: today the directory's code as is, trimmed and lower-cased. */
export function thematiqueCode(value: string): string {
  return value.trim().toLowerCase();
}

/** The thématique a referral is filed under: its first need, or `non-precisee`. */
export function referralThematique(needs: readonly string[]): string {
  const first = needs.find((need) => need.trim() !== '');
  return first === undefined ? 'non-precisee' : thematiqueCode(first);
}
