import type { EventPayload } from '@relais/contracts';
import type { Lieu } from '../lieux/lieu.entity';
import { iso } from '../shared/record';
import type { Fee, Modality, Public, ServiceRole, ServiceStatus, Thematique } from '../shared/vocabulary';
import type { Offer } from './offer.entity';

type ServiceSnapshot = EventPayload<'fr.relais.directory.service.snapshot.v1'>;
type ServiceSnapshotV2 = EventPayload<'fr.relais.directory.service.snapshot.v2'>;

/**
 * The full state of a service as other services learn it, with the lieux it is offered at (given, not
 * read: the caller loads them in its transaction). Compacted topic: the last per key wins.
 */
export function serviceSnapshot(offer: Offer, lieux: Lieu[]): ServiceSnapshot {
  return {
    serviceId: offer.id,
    structureId: offer.structureId,
    version: offer.version,
    deleted: offer.deleted,
    updatedAt: offer.updatedAt.toISOString(),
    lastVerifiedAt: iso(offer.lastVerifiedAt),
    name: offer.name,
    roles: offer.roles as ServiceRole[],
    thematiques: [...offer.thematiques],
    publics: [...offer.publics],
    languages: [...offer.languages],
    modalities: offer.modalities as Modality[],
    acceptsRelaisReferrals: offer.acceptsRelaisReferrals,
    referralEmail: offer.referralEmail ?? null,
    status: offer.status as ServiceStatus,
    suspendedUntil: offer.suspendedUntil,
    networkIds: [...offer.networkIds],
    lieux: lieux
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((lieu) => ({
        lieuId: lieu.id,
        communeCode: lieu.communeCode,
        latitude: lieu.latitude,
        longitude: lieu.longitude,
        openingHours: lieu.openingHours,
      })),
    capacity: {
      openSlotsPerWeek: offer.openSlotsPerWeek,
      waitingDays: offer.waitingDays,
      updatedAt: iso(offer.capacityUpdatedAt),
    },
    fees: offer.fees as Fee[],
    referralMethods: offer.referralMethods.map((method) => method.kind),
    accessibilityFeatures: [...offer.accessibilityFeatures],
  };
}

/**
 * Version 2, published beside v1: the same state, its thématiques, publics and frais typed as data·inclusion
 * v1's référentiels (the write API lets no other value in), and the fees' precision.
 */
export function serviceSnapshotV2(offer: Offer, lieux: Lieu[]): ServiceSnapshotV2 {
  return {
    ...serviceSnapshot(offer, lieux),
    thematiques: offer.thematiques as Thematique[],
    publics: offer.publics as Public[],
    fees: offer.fees as Fee[],
    feesDetails: offer.feesDetails,
  };
}
