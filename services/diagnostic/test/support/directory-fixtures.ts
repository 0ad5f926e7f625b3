import { randomUUID } from 'node:crypto';
import type { EventPayload } from '@relais/contracts';
import { networkSnapshot, serviceSnapshot, structureSnapshot } from '@relais/contracts/testing';
import { DEMO_NETWORKS, DEMO_STRUCTURES } from '@relais/demo';

export type ServiceSnapshot = EventPayload<'fr.relais.directory.service.snapshot.v2'>;
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

export function network(networkId: string, name: string, communeCodes: string[], version = 1): NetworkSnapshot {
  return networkSnapshot({ networkId, name, communeCodes, version });
}

export function structure(structureId: string, name: string, networkId: string, labels: string[] = []): StructureSnapshot {
  return structureSnapshot({ structureId, name, labels, networkIds: [networkId] });
}

export function service(overrides: Partial<ServiceSnapshot> & Pick<ServiceSnapshot, 'structureId' | 'roles' | 'networkIds'>, communeCode: string, point: [number, number] | null): ServiceSnapshot {
  return serviceSnapshot({
    lieux: [{ lieuId: randomUUID(), communeCode, latitude: point?.[0] ?? null, longitude: point?.[1] ?? null, openingHours: 'Mo-Fr 09:00-12:00,14:00-17:00' }],
    capacity: { openSlotsPerWeek: 3, waitingDays: 4, updatedAt: null },
    ...overrides,
  });
}
