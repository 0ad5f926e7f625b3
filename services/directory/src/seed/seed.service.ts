import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { advisoryLocks, Transactional, TransactionHost, type TransactionalAdapterTypeOrm } from '@relais/persistence';
import { CommuneCoordinatesImporter } from '../communes/commune-coordinates.importer';
import { LieuxService } from '../lieux/lieux.service';
import { NetworksService } from '../networks/networks.service';
import { OffersService } from '../offers/offers.service';
import { StructuresService } from '../structures/structures.service';
import { morbihanDemo } from './morbihan';

export interface SeedReport {
  /** False when the same demo was already applied (nothing read or written beyond that check). */
  applied: boolean;
  networks: number;
  structures: { created: number; updated: number; unchanged: number };
  lieux: { created: number; updated: number; unchanged: number };
  services: { created: number; updated: number; unchanged: number };
  communeCoordinates: number;
}

const SEED_VERIFIER = 'seed';

/**
 * `seed`: the demo département, idempotently. Writes through the same services as the API (so every
 * rule holds and every change is published), in one transaction: all or nothing.
 */
@Injectable()
export class SeedService {
  private readonly logger = new Logger('SeedService');

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly networks: NetworksService,
    private readonly structures: StructuresService,
    private readonly lieux: LieuxService,
    private readonly offers: OffersService,
    private readonly communes: CommuneCoordinatesImporter,
  ) {}

  /**
   * Applies the demo unless this very demo was applied already (then edits made since through the API
   * are left alone); `force` re-applies it, restoring the demo records and leaving identical ones untouched.
   */
  @Transactional()
  async run({ force = false }: { force?: boolean } = {}): Promise<SeedReport> {
    const plan = morbihanDemo();
    const count = () => ({ created: 0, updated: 0, unchanged: 0 });
    const report: SeedReport = { applied: false, networks: 0, structures: count(), lieux: count(), services: count(), communeCoordinates: 0 };
    const fingerprint = createHash('sha256').update(JSON.stringify(plan)).digest('hex');
    const manager = this.txHost.tx;
    // One seed at a time, whoever runs it (two npm start, a test): the second waits, then finds it done.
    await manager.query(`SELECT pg_advisory_xact_lock($1)`, [advisoryLocks.directorySeed]);
    const [state] = await manager.query<Array<{ fingerprint: string }>>(`SELECT fingerprint FROM seed_state WHERE name = 'morbihan'`);
    if (!force && state?.fingerprint === fingerprint) return report;
    report.applied = true;
    const tally = (bucket: SeedReport['structures'], existed: boolean, changed: boolean | undefined) => {
      if (!existed) bucket.created += 1;
      else if (changed) bucket.updated += 1;
      else bucket.unchanged += 1;
    };
    report.communeCoordinates = await this.communes.loadBundledMorbihan();
    for (const network of plan.networks) {
      await this.networks.upsertIfChanged(network, SEED_VERIFIER);
      report.networks += 1;
    }
    for (const { structure, lieux, services } of plan.structures) {
      const existed = await this.structures.exists(structure.id);
      const saved = await this.structures.upsert(structure, SEED_VERIFIER);
      tally(report.structures, existed, saved.changed);
      for (const lieu of lieux) {
        const lieuExisted = await this.lieux.exists(lieu.id);
        tally(report.lieux, lieuExisted, (await this.lieux.upsert(lieu, SEED_VERIFIER)).changed);
      }
      for (const service of services) {
        const serviceExisted = await this.offers.exists(service.id);
        tally(report.services, serviceExisted, (await this.offers.upsert(service, SEED_VERIFIER)).changed);
      }
    }
    await manager.query(
      `INSERT INTO seed_state (name, fingerprint) VALUES ('morbihan', $1) ON CONFLICT (name) DO UPDATE SET fingerprint = excluded.fingerprint, applied_at = now()`,
      [fingerprint],
    );
    this.logger.log(`seed: ${JSON.stringify(report)}`);
    return report;
  }
}
