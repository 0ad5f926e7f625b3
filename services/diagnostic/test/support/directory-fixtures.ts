import { randomUUID } from 'node:crypto';
import type { EventPayload } from '@relais/contracts';
import { DEMO_NETWORKS, DEMO_STRUCTURES } from '@relais/demo';

export type ServiceSnapshot = EventPayload<'fr.relais.directory.service.snapshot.v1'>;
export type StructureSnapshot = EventPayload<'fr.relais.directory.structure.snapshot.v1'>;
export type NetworkSnapshot = EventPayload<'fr.relais.directory.network.snapshot.v1'>;

/** The demo accounts' ids, so that tokens and directory rows name the same structures and networks. */
export const ids = {
  networks: { vannes: DEMO_NETWORKS.vannes.id, ploermel: DEMO_NETWORKS.ploermel.id },
  structures: {
    cafVannes: DEMO_STRUCTURES.cafVannes.id,
    mediathequePloermel: DEMO_STRUCTURES.mediathequePloermel.id,
    franceServicesMauron: DEMO_STRUCTURES.franceServicesMauron.id,
  },
};

const now = () => new Date().toISOString();

export function network(networkId: string, name: string, communeCodes: string[], version = 1): NetworkSnapshot {
  return {
    networkId,
    version,
    deleted: false,
    updatedAt: now(),
    lastVerifiedAt: null,
    name,
    department: '56',
    communeCodes,
    sla: { acknowledgeBusinessDays: 2, firstContactBusinessDays: 5, expireAfterDays: 10 },
  };
}

export function structure(structureId: string, name: string, networkId: string, labels: string[] = []): StructureSnapshot {
  return {
    structureId,
    version: 1,
    deleted: false,
    updatedAt: now(),
    lastVerifiedAt: null,
    name,
    typology: 'FRANCE-SERVICES',
    siret: null,
    parentStructureId: null,
    labels,
    networkIds: [networkId],
    communeCode: null,
    department: '56',
  };
}

export function service(overrides: Partial<ServiceSnapshot> & Pick<ServiceSnapshot, 'structureId' | 'roles' | 'networkIds'>, communeCode: string, point: [number, number] | null): ServiceSnapshot {
  return {
    serviceId: randomUUID(),
    version: 1,
    deleted: false,
    updatedAt: now(),
    lastVerifiedAt: null,
    name: 'Accompagnement numérique',
    thematiques: [],
    publics: ['tous-publics'],
    languages: ['fr'],
    modalities: ['sur-place'],
    acceptsRelaisReferrals: true,
    status: 'active',
    suspendedUntil: null,
    lieux: [{ lieuId: randomUUID(), communeCode, latitude: point?.[0] ?? null, longitude: point?.[1] ?? null, openingHours: 'Mo-Fr 09:00-12:00,14:00-17:00' }],
    capacity: { openSlotsPerWeek: 3, waitingDays: 4, updatedAt: null },
    ...overrides,
  };
}
