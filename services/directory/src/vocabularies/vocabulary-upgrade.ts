import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { advisoryLocks, PeriodicJobs, TransactionHost, type PeriodicJob, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { In } from 'typeorm';
import { Offer } from '../offers/offer.entity';
import { offerSearchText } from '../offers/search-text';
import { SearchIndex } from '../search/search-index';
import { SnapshotPublisher } from '../snapshots/snapshot-publisher';
import { Structure } from '../structures/structure.entity';

const BATCH = 500;

/**
 * What a vocabulary migration cannot do in SQL, done once at the next start: a migration that changes
 * the services' values leaves a row in `vocabulary_upgrade` (e.g. `data-inclusion-v1`), and the first
 * process to start rebuilds each service's search text from the new labels, its search index rows, and publishes every service's
 * snapshots (the v2 topic starts with the whole directory, not only what changes next). In the start's
 * transaction, under its own lock: another replica starting at the same time skips it, and the row is
 * deleted only when all is published.
 */
@Injectable()
export class VocabularyUpgrade implements OnApplicationBootstrap {
  private readonly logger = new Logger('VocabularyUpgrade');
  readonly job: PeriodicJob<number>;

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly snapshots: SnapshotPublisher,
    private readonly searchIndex: SearchIndex,
    jobs: PeriodicJobs,
  ) {
    this.job = jobs.define({
      name: 'directory.vocabulary-upgrade',
      // No rounds of its own: it runs at start only.
      intervalMs: 0,
      firstDelayMs: 0,
      lock: advisoryLocks.directoryVocabularyUpgrade,
      transactional: true,
      run: () => this.upgrade(),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    const round = await this.job.runOnce();
    if (round.ran && round.result > 0) this.logger.log(`vocabulaires : ${round.result} services republiés (texte de recherche et instantanés v2)`);
  }

  /** Returns how many services were republished. */
  private async upgrade(): Promise<number> {
    const manager = this.txHost.tx;
    const pending = await manager.query<Array<{ name: string }>>(`SELECT name FROM vocabulary_upgrade FOR UPDATE`);
    if (pending.length === 0) return 0;
    let done = 0;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const offers = await manager.getRepository(Offer).createQueryBuilder('o').where('o.id > :after', { after }).orderBy('o.id').limit(BATCH).getMany();
      if (offers.length === 0) break;
      const structures = await manager.getRepository(Structure).find({ where: { id: In([...new Set(offers.map((offer) => offer.structureId))]) } });
      const structureById = new Map(structures.map((structure) => [structure.id, structure]));
      for (const offer of offers) {
        const structure = structureById.get(offer.structureId);
        if (structure) offer.searchText = offerSearchText(offer, structure);
      }
      await manager.getRepository(Offer).save(offers);
      await this.searchIndex.refresh(offers.map((offer) => offer.id));
      await this.snapshots.services(offers.map((offer) => offer.id));
      done += offers.length;
      after = offers[offers.length - 1].id;
    }
    await manager.query(`DELETE FROM vocabulary_upgrade WHERE name = ANY($1::text[])`, [pending.map((row) => row.name)]);
    return done;
  }
}
