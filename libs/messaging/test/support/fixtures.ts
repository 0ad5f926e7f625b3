import { randomUUID } from 'node:crypto';
import { serviceSnapshot as directoryServiceSnapshot } from '@relais/contracts/testing';
import type { ServiceSnapshot } from './service-projection';

export function serviceSnapshot(overrides: Partial<ServiceSnapshot> = {}): ServiceSnapshot {
  // The lib's own tests read the v1 topic: v1's free strings, so the overrides apply after the v2 fixture.
  return {
    ...directoryServiceSnapshot({
      name: 'Atelier « premiers pas numériques »',
      roles: ['formation'],
      thematiques: ['numerique--maitriser-les-fondamentaux-du-numerique'],
      lieux: [{ lieuId: randomUUID(), communeCode: '56260', latitude: 47.6582, longitude: -2.7608, openingHours: 'Mo-Fr 09:00-12:00' }],
      capacity: { openSlotsPerWeek: 12, waitingDays: 5, updatedAt: null },
    }),
    ...overrides,
  };
}
