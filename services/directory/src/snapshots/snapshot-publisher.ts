import { Injectable } from '@nestjs/common';
import { TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { EventPublisher } from '@relais/messaging';
import type { EventPayload } from '@relais/contracts';
import { In } from 'typeorm';
import { Lieu } from '../lieux/lieu.entity';
import { Network } from '../networks/network.entity';
import { Offer, OfferLieu } from '../offers/offer.entity';
import { SearchIndex } from '../search/search-index';
import { Structure } from '../structures/structure.entity';
import { publicAttribution } from '../shared/attribution';
import type { Fee, Modality, ServiceRole, ServiceStatus } from '../shared/vocabulary';

type StructureSnapshot = EventPayload<'fr.relais.directory.structure.snapshot.v1'>;
type ServiceSnapshot = EventPayload<'fr.relais.directory.service.snapshot.v1'>;
type NetworkSnapshot = EventPayload<'fr.relais.directory.network.snapshot.v1'>;

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

/**
 * Every change publishes the full state of what changed (compacted topics keep the last per key), in
 * the transaction of the change: other services keep their own read model from the topics alone.
 * A change to a structure or a lieu also republishes the services it shows up in, since a service
 * snapshot carries its networks and lieux.
 */
@Injectable()
export class SnapshotPublisher {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly events: EventPublisher,
    private readonly searchIndex: SearchIndex,
  ) {}

  async network(network: Network): Promise<void> {
    await this.events.publish('fr.relais.directory.network.snapshot.v1', networkSnapshot(network));
  }

  async structure(structure: Structure): Promise<void> {
    await this.events.publish('fr.relais.directory.structure.snapshot.v1', structureSnapshot(structure));
  }

  /**
   * Publishes the snapshots of these services (by id), reading their lieux in the same transaction, and
   * brings the directory's own search index up to date with them.
   */
  async services(offerIds: readonly string[]): Promise<void> {
    if (offerIds.length === 0) return;
    await this.searchIndex.refresh(offerIds);
    const manager = this.txHost.tx;
    const offers = await manager.getRepository(Offer).find({ where: { id: In([...new Set(offerIds)]) }, order: { id: 'ASC' } });
    const links = await manager.getRepository(OfferLieu).find({ where: { offerId: In(offers.map((o) => o.id)) } });
    const lieux = links.length
      ? await manager.getRepository(Lieu).find({ where: { id: In([...new Set(links.map((l) => l.lieuId))]) } })
      : [];
    const lieuById = new Map(lieux.map((lieu) => [lieu.id, lieu]));
    for (const offer of offers) {
      const offerLieux = links
        .filter((link) => link.offerId === offer.id)
        .map((link) => lieuById.get(link.lieuId))
        .filter((lieu): lieu is Lieu => lieu !== undefined && !lieu.deleted);
      await this.events.publish('fr.relais.directory.service.snapshot.v1', serviceSnapshot(offer, offerLieux));
    }
  }

  /** The services of a structure (after a change of its networks, name or retirement). */
  async servicesOfStructure(structureId: string): Promise<void> {
    const rows = await this.txHost.tx.getRepository(Offer).find({ select: { id: true }, where: { structureId } });
    await this.services(rows.map((row) => row.id));
  }

  /** The services offered at a lieu (after its hours, address or position changed). */
  async servicesAtLieu(lieuId: string): Promise<void> {
    const rows = await this.txHost.tx.getRepository(OfferLieu).find({ where: { lieuId } });
    await this.services(rows.map((row) => row.offerId));
  }
}

export function networkSnapshot(network: Network): NetworkSnapshot {
  return {
    networkId: network.id,
    version: network.version,
    deleted: network.deleted,
    updatedAt: network.updatedAt.toISOString(),
    lastVerifiedAt: iso(network.lastVerifiedAt),
    name: network.name,
    department: network.department,
    communeCodes: [...network.communeCodes].sort(),
    sla: {
      acknowledgeBusinessDays: network.slaAcknowledgeBusinessDays,
      firstContactBusinessDays: network.slaFirstContactBusinessDays,
      expireAfterDays: network.slaExpireAfterDays,
    },
  };
}

export function structureSnapshot(structure: Structure): StructureSnapshot {
  return {
    structureId: structure.id,
    version: structure.version,
    deleted: structure.deleted,
    updatedAt: structure.updatedAt.toISOString(),
    lastVerifiedAt: iso(structure.lastVerifiedAt),
    // Events leave the directory: the kind of actor and its structure, never an account id.
    lastVerifiedBy: publicAttribution(structure.lastVerifiedBy),
    name: structure.name,
    typology: structure.typology,
    siret: structure.siret,
    rna: structure.rna,
    parentStructureId: structure.parentStructureId,
    labels: [...structure.labels],
    networkIds: [...structure.networkIds],
    communeCode: structure.communeCode,
    department: structure.department,
  };
}

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
