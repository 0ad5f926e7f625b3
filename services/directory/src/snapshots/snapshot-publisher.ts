import { Injectable } from '@nestjs/common';
import { TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { EventPublisher } from '@relais/messaging';
import { In } from 'typeorm';
import { Lieu } from '../lieux/lieu.entity';
import type { Network } from '../networks/network.entity';
import { networkSnapshot } from '../networks/network.snapshot';
import { Offer, OfferLieu } from '../offers/offer.entity';
import { serviceSnapshot, serviceSnapshotV2 } from '../offers/offer.snapshot';
import type { Structure } from '../structures/structure.entity';
import { structureSnapshot } from '../structures/structure.snapshot';

/**
 * Every change publishes the full state of what changed (compacted topics keep the last per key), in
 * the transaction of the change: other services keep their own read model from the topics alone.
 * A change to a structure or a lieu also republishes the services it shows up in, since a service
 * snapshot carries its networks and lieux. Only publishes: each entity's module builds its snapshot
 * (`*.snapshot.ts`), and the writers refresh the search index themselves (search/search-index.ts).
 */
@Injectable()
export class SnapshotPublisher {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly events: EventPublisher,
  ) {}

  async network(network: Network): Promise<void> {
    await this.events.publish('fr.relais.directory.network.snapshot.v1', networkSnapshot(network));
  }

  async structure(structure: Structure): Promise<void> {
    await this.events.publish('fr.relais.directory.structure.snapshot.v1', structureSnapshot(structure));
  }

  /** Publishes the snapshots of these services (by id), reading their lieux in the same transaction. */
  async services(offerIds: readonly string[]): Promise<void> {
    if (offerIds.length === 0) return;
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
      // v1 stays for the consumers that have not moved (docs/events): both, in the same transaction.
      await this.events.publish('fr.relais.directory.service.snapshot.v1', serviceSnapshot(offer, offerLieux));
      await this.events.publish('fr.relais.directory.service.snapshot.v2', serviceSnapshotV2(offer, offerLieux));
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
