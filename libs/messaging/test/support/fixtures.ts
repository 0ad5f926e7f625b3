import { randomUUID } from 'node:crypto';
import type { ServiceSnapshot } from './service-projection';

export function serviceSnapshot(overrides: Partial<ServiceSnapshot> = {}): ServiceSnapshot {
  const now = new Date().toISOString();
  return {
    serviceId: randomUUID(),
    structureId: randomUUID(),
    version: 1,
    deleted: false,
    updatedAt: now,
    lastVerifiedAt: null,
    name: 'Atelier « premiers pas numériques »',
    roles: ['formation'],
    thematiques: ['numerique'],
    publics: ['tous-publics'],
    languages: ['fr'],
    modalities: ['sur-place'],
    acceptsRelaisReferrals: true,
    status: 'active',
    suspendedUntil: null,
    networkIds: [],
    lieux: [{ lieuId: randomUUID(), communeCode: '56260', latitude: 47.6582, longitude: -2.7608, openingHours: 'Mo-Fr 09:00-12:00' }],
    capacity: { openSlotsPerWeek: 12, waitingDays: 5, updatedAt: null },
    ...overrides,
  };
}
