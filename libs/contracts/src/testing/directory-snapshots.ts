import { randomUUID } from 'node:crypto';
import type { EventPayload } from '../catalog';

/*
 * Valid directory snapshots for tests and benchmarks that feed a read model (the diagnostic's, the
 * referral's, the messaging lib's own tests): the payload's shape is written once, here, beside the
 * schema; a caller says only what its case is about. Fresh ids and `version: 1` unless told otherwise.
 */

export type NetworkSnapshotPayload = EventPayload<'fr.relais.directory.network.snapshot.v1'>;
export type StructureSnapshotPayload = EventPayload<'fr.relais.directory.structure.snapshot.v1'>;
export type ServiceSnapshotPayload = EventPayload<'fr.relais.directory.service.snapshot.v2'>;

export function networkSnapshot(overrides: Partial<NetworkSnapshotPayload> = {}): NetworkSnapshotPayload {
  return {
    networkId: randomUUID(),
    version: 1,
    deleted: false,
    updatedAt: new Date().toISOString(),
    lastVerifiedAt: null,
    name: 'Réseau local',
    department: '56',
    communeCodes: [],
    sla: { acknowledgeBusinessDays: 2, firstContactBusinessDays: 5, expireAfterDays: 10 },
    ...overrides,
  };
}

export function structureSnapshot(overrides: Partial<StructureSnapshotPayload> = {}): StructureSnapshotPayload {
  return {
    structureId: randomUUID(),
    version: 1,
    deleted: false,
    updatedAt: new Date().toISOString(),
    lastVerifiedAt: null,
    name: 'Structure',
    typology: 'FRANCE-SERVICES',
    siret: null,
    parentStructureId: null,
    labels: [],
    networkIds: [],
    communeCode: null,
    department: '56',
    ...overrides,
  };
}

export function serviceSnapshot(overrides: Partial<ServiceSnapshotPayload> = {}): ServiceSnapshotPayload {
  return {
    serviceId: randomUUID(),
    structureId: randomUUID(),
    version: 1,
    deleted: false,
    updatedAt: new Date().toISOString(),
    lastVerifiedAt: null,
    name: 'Accompagnement numérique',
    roles: ['accompagnement'],
    thematiques: [],
    publics: ['tous-publics'],
    languages: ['fr'],
    modalities: ['sur-place'],
    acceptsRelaisReferrals: true,
    status: 'active',
    suspendedUntil: null,
    networkIds: [],
    lieux: [],
    capacity: { openSlotsPerWeek: null, waitingDays: null, updatedAt: null },
    ...overrides,
  };
}
